#include "app/classroom/classroom_thread.hpp"

namespace parity::app {

ClassroomThread::ClassroomThread(const demo::Context& context, const http::Application& service,
                                 std::string service_url, unsigned loop_threads,
                                 const Loop* service_loop, const std::string& host)
    : application_(std::make_shared<http::Application>()) {
  classroom_.context = &context;
  classroom_.service = &service;
  classroom_.service_url = std::move(service_url);
  classroom_.loop_threads = loop_threads;
  classroom_.service_loop = service_loop;
  mount_classroom(*application_, classroom_);
  http::ServerOptions quiet;  // the race's requests show in the service's access log already
  quiet.access_log = false;
  thread_.start(application_, quiet, host, 0);
}

}  // namespace parity::app
