#include "app/service.hpp"

#include "app/classroom/classroom_thread.hpp"
#include "styles/mount.hpp"

namespace parity::app {

std::shared_ptr<http::Application> make_service(const demo::Context& context,
                                                const Classroom& classroom) {
  auto app = std::make_shared<http::Application>();
  mount_classroom(*app, classroom);  // GET / and GET /race
  styles::mount_sync(*app, context);
  styles::mount_callback(*app, context);
  styles::mount_future(*app, context);
  styles::mount_coroutine(*app, context);
  styles::mount_threadpool(*app, context);
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
  classroom_.context = &context_;
  classroom_.loop_threads = options.loop_threads;
  classroom_.service_loop = &loop;
  application_ = make_service(context_, classroom_);
}

void Service::start_classroom(std::string service_url, const std::string& host,
                              bool same_process) {
  classroom_thread_ = std::make_unique<ClassroomThread>(
      context_, *application_, std::move(service_url), classroom_.loop_threads,
      same_process ? classroom_.service_loop : nullptr, host);
  classroom_.page_port = classroom_thread_->port();
}

std::string Service::classroom_url() const {
  return classroom_thread_ ? classroom_thread_->url("/") : std::string();
}

Service::~Service() {
  classroom_thread_.reset();  // its races call this service: they stop first
  // The loop has stopped, so answers from work still queued would go nowhere: drop that work,
  // and wait only for what is running.
  pool_.stop();
  pool_.join();
}

}  // namespace parity::app
