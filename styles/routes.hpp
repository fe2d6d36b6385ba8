#pragma once
// The one route table of the demo: every style mounts the same endpoints under /{style}/, so the
// list is written once and a style cannot miss one.

#include "common/demo/context.hpp"
#include "common/http/application.hpp"

#include <string>
#include <string_view>

namespace parity::styles {

template <class Hello, class Fetch, class Sleep, class Chain, class Parallel, class Compute,
          class CmdbSearch, class CmdbImport, class Upload, class Stream>
void mount_endpoints(http::Application& app, std::string_view style, const demo::Context& context) {
  const std::string s(style);
  const demo::Context* c = &context;
  app.add<Hello>("/" + s + "/hello", s + ".hello", c);
  app.add<Fetch>("/" + s + "/fetch", s + ".fetch", c);
  app.add<Sleep>("/" + s + "/sleep", s + ".sleep", c);
  app.add<Chain>("/" + s + "/chain", s + ".chain", c);
  app.add<Parallel>("/" + s + "/parallel", s + ".parallel", c);
  app.add<Compute>("/" + s + "/compute", s + ".compute", c);
  app.add<CmdbSearch>("/" + s + R"(/cmdb/search/(?P<pk>\w+))", s + ".cmdb_search", c);
  app.add<CmdbImport>("/" + s + R"(/cmdb/import/(?P<pk>\w+))", s + ".cmdb_import", c);
  app.add<Upload>("/" + s + "/upload", s + ".upload", c);
  app.add<Stream>("/" + s + "/stream", s + ".stream", c);
}

// Each style's file defines its handlers and mounts them with mount_endpoints.
void mount_sync(http::Application& app, const demo::Context& context);
void mount_callback(http::Application& app, const demo::Context& context);
void mount_future(http::Application& app, const demo::Context& context);
void mount_coroutine(http::Application& app, const demo::Context& context);
void mount_threadpool(http::Application& app, const demo::Context& context);

}  // namespace parity::styles
