#include "app/service_thread.hpp"

#include "app/demo/uploads.hpp"

namespace parity::app {

ServiceThread::ServiceThread(ServiceOptions options, unsigned threads)
    : upload_dir_(demo::make_temporary_directory("parity-service")) {
  options.upload_dir = upload_dir_;
  options.loop_threads = threads;
  thread_.loop().set_name("server");
  service_.emplace(thread_.loop(), options);
  http::ServerOptions quiet;
  quiet.access_log = false;
  thread_.start(service_->application(), quiet, "127.0.0.1", 0, threads);
}

ServiceThread::~ServiceThread() {
  thread_.stop();  // the service's client and pool serve the loop: they go after it
  service_.reset();
  demo::remove_temporary_directory(upload_dir_);
}

}  // namespace parity::app
