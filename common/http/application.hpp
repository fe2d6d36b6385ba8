#pragma once
// The routing table, as in Tornado's Application: URL specs that are regular expressions matched
// against the whole path, with named groups (`/cmdb/import/(?P<pk>\w+)`) handed to the handler,
// optional route names for reverse_url, and one handler object made per request.

#include "common/http/request_handler.hpp"

#include <boost/regex.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace parity::http {

// The HTTP methods a handler class implements: those it (or a base below RequestHandler)
// overrides. `&H::get` has type `void (RequestHandler::*)()` exactly when H did not.
template <class H>
std::vector<verb> implemented_methods() {
  using Base = void (RequestHandler::*)();
  std::vector<verb> methods;
  if constexpr (!std::is_same_v<decltype(&H::get), Base>) methods.push_back(verb::get);
  if constexpr (!std::is_same_v<decltype(&H::head), Base>) methods.push_back(verb::head);
  if constexpr (!std::is_same_v<decltype(&H::post), Base>) methods.push_back(verb::post);
  if constexpr (!std::is_same_v<decltype(&H::put), Base>) methods.push_back(verb::put);
  if constexpr (!std::is_same_v<decltype(&H::patch), Base>) methods.push_back(verb::patch);
  if constexpr (!std::is_same_v<decltype(&H::delete_), Base>) methods.push_back(verb::delete_);
  if constexpr (!std::is_same_v<decltype(&H::options), Base>) methods.push_back(verb::options);
  return methods;
}

struct Route {
  std::string pattern;  // as written, Tornado syntax
  std::string name;     // for reverse_url; may be empty
  std::vector<verb> methods;
  std::function<std::shared_ptr<RequestHandler>()> make_handler;
  boost::regex regex;  // compiled from pattern, anchored at both ends
  std::vector<std::string> group_names;
  std::string literal_prefix;  // the pattern's leading plain text, a cheap first check
};

struct RouteMatch {
  const Route* route = nullptr;
  PathArgs args;
};

class Application {
 public:
  // Adds a route whose handler is `Handler(args...)`, made anew for every request.
  template <class Handler, class... Args>
  Application& add(std::string pattern, std::string name = {}, Args... args) {
    static_assert(std::is_base_of_v<RequestHandler, Handler>);
    add_route(std::move(pattern), std::move(name), implemented_methods<Handler>(),
              [... args = std::move(args)] { return std::make_shared<Handler>(args...); });
    return *this;
  }

  // The first route whose pattern matches the whole `path` (no query), with its groups.
  std::optional<RouteMatch> match(std::string_view path) const;

  // The path of the route called `name` with its groups filled by `args`, in order, each
  // percent-encoded. Throws std::invalid_argument for an unknown name or a wrong count.
  std::string reverse_url(std::string_view name, const std::vector<std::string>& args = {}) const;

  const std::vector<Route>& routes() const { return routes_; }

  // Headers every response starts with (Tornado's set_default_headers at application level).
  std::vector<std::pair<std::string, std::string>> default_headers{{"Server", "Parity/0.1"}};

 private:
  void add_route(std::string pattern, std::string name, std::vector<verb> methods,
                 std::function<std::shared_ptr<RequestHandler>()> make_handler);
  std::vector<Route> routes_;
};

}  // namespace parity::http
