#include "styles/service.hpp"

#include "common/http/html.hpp"
#include "styles/routes.hpp"

#include <fmt/format.h>

namespace parity::styles {
namespace {

// GET /: every style, every endpoint, as links.
class IndexHandler final : public http::RequestHandler {
 public:
  void get() {
    std::string page =
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Parity</title></head><body>\n"
        "<h1>Parity: one service, five async styles</h1>\n"
        "<p>The same endpoints in every style. Compare <code>/sync/fetch</code> with "
        "<code>/coroutine/fetch</code> under load: see bench/README.md.</p>\n";
    for (auto style : kStyles) {
      page += fmt::format("<h2>{0}</h2><ul>\n", http::escape_html(style));
      for (const auto& route : application().routes()) {
        if (!route.name.starts_with(std::string(style) + ".")) continue;
        std::string methods;
        for (auto method : route.methods)
          methods += (methods.empty() ? "" : " ") + std::string(http::bhttp::to_string(method));
        bool linkable = route.pattern.find('(') == std::string::npos &&
                        methods.find("GET") != std::string::npos;
        auto pattern = http::escape_html(route.pattern);
        page += linkable ? fmt::format("<li>{0} <a href=\"{1}\">{1}</a></li>\n", methods, pattern)
                         : fmt::format("<li>{0} <code>{1}</code></li>\n", methods, pattern);
      }
      page += "</ul>\n";
    }
    page += "</body></html>\n";
    finish(page);
  }
};

}  // namespace

std::shared_ptr<http::Application> make_service(const demo::Context& context) {
  auto app = std::make_shared<http::Application>();
  app->add<IndexHandler>("/", "index");
  mount_sync(*app, context);
  mount_callback(*app, context);
  mount_future(*app, context);
  mount_coroutine(*app, context);
  mount_threadpool(*app, context);
  return app;
}

Service::Service(Loop& loop, const ServiceOptions& options)
    : pool_(options.pool),
      client_(loop.get_executor(), http::ClientOptions{.max_clients = options.max_clients}) {
  apply_pool_policy(pool_, options.pool, options.pool_policy);
  context_.upstream_url = options.upstream_url;
  context_.client = &client_;
  context_.pool = &pool_;
  context_.upload_dir = options.upload_dir;
  context_.upstream_timeout = options.upstream_timeout;
  application_ = make_service(context_);
}

Service::~Service() {
  // The loop has stopped, so answers from work still queued would go nowhere: drop that work,
  // and wait only for what is running.
  pool_.stop();
  pool_.join();
}

}  // namespace parity::styles
