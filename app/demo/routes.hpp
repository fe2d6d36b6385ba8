#pragma once
// The one route table of the demo: every style mounts the same endpoints under /{style}/. The
// paths are written once, in routes.cpp; a style names its handler for each endpoint:
//
//   mount_endpoints(app, "sync", context, {.hello = handler<HelloHandler>,
//                                          .fetch = handler<FetchHandler>, ...});
//
// by name and in this order, so a style cannot miss an endpoint (it does not compile) nor swap
// two without it showing.

#include "app/demo/context.hpp"
#include "common/http/web/application.hpp"

#include <array>
#include <string>
#include <string_view>

namespace parity::demo {

// How to add one handler class to the table. No default: every endpoint must be named.
struct Mount {
  using Add = void (*)(http::Application& app, std::string pattern, std::string name,
                       const Context* context, std::string style);
  constexpr explicit Mount(Add add_handler) : add(add_handler) {}
  Add add;
};

template <class Handler>
void add_handler(http::Application& app, std::string pattern, std::string name,
                 const Context* context, std::string style) {
  app.add<Handler>(std::move(pattern), std::move(name), context, std::move(style));
}

template <class Handler>
inline constexpr Mount handler{&add_handler<Handler>};

struct Endpoints {
  Mount hello;
  Mount fetch;
  Mount sleep;
  Mount chain;
  Mount parallel;
  Mount compute;
  Mount cmdb_search;
  Mount cmdb_import;
  Mount upload;
  Mount stream;
};

void mount_endpoints(http::Application& app, std::string_view style, const Context& context,
                     const Endpoints& endpoints);

}  // namespace parity::demo
