#pragma once
// The demo service on a loop thread of its own, with a fresh upload directory that goes when it
// does: what `parity compare` starts for each row, and what the tests serve.

#include "app/service.hpp"
#include "common/http/server/server_thread.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace parity::app {

class ServiceThread {
 public:
  // options.upload_dir is replaced by a new temporary directory. Listens on 127.0.0.1, any port,
  // and runs the loop on `threads` threads.
  explicit ServiceThread(ServiceOptions options, unsigned threads = 1);
  ~ServiceThread();  // stops the loop first, then what ran on it
  ServiceThread(const ServiceThread&) = delete;
  ServiceThread& operator=(const ServiceThread&) = delete;

  unsigned short port() const { return thread_.port(); }
  std::string url(const std::string& path = "") const { return thread_.url(path); }
  const std::filesystem::path& upload_dir() const { return upload_dir_; }
  Loop& loop() { return thread_.loop(); }

  // The classroom page on a loop of its own (what `parity serve` does); returns its URL.
  std::string start_classroom() {
    service_->start_classroom(url(), "127.0.0.1");
    return service_->classroom_url();
  }

 private:
  std::filesystem::path upload_dir_;
  http::ServerThread thread_;
  std::optional<Service> service_;
};

}  // namespace parity::app
