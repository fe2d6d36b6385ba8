#include "styles/service.hpp"

#include "styles/classroom/race.hpp"
#include "styles/routes.hpp"

namespace parity::styles {

std::shared_ptr<http::Application> make_service(const demo::Context& context) {
  auto app = std::make_shared<http::Application>();
  mount_classroom(*app, context);  // GET / and GET /race
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
  context_.pool_size = options.pool;
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
