#pragma once
// The demo service (all five styles) on its own loop thread, over a given upstream, for tests.

#include "styles/service.hpp"
#include "tests/support/test_server.hpp"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <optional>

namespace parity::test {

class DemoService {
 public:
  explicit DemoService(std::string upstream_url,
                       std::chrono::milliseconds upstream_timeout = std::chrono::seconds(10))
      : upload_dir_(std::filesystem::temp_directory_path() /
                    ("parity-test-uploads-" + std::to_string(::getpid()) + "-" +
                     std::to_string(next_id()))) {
    std::filesystem::create_directories(upload_dir_);
    service_.emplace(server_.loop(), styles::ServiceOptions{.upstream_url = std::move(upstream_url),
                                                            .upload_dir = upload_dir_,
                                                            .max_clients = 0,
                                                            .upstream_timeout = upstream_timeout});
    server_.start(service_->application(), TestServer::quiet());
  }
  ~DemoService() {
    server_.stop();  // first the loop, then what runs on it
    service_.reset();
    std::filesystem::remove_all(upload_dir_);
  }

  unsigned short port() const { return server_.port(); }
  const std::filesystem::path& upload_dir() const { return upload_dir_; }

 private:
  static int next_id() {
    static std::atomic<int> id{0};
    return id++;
  }
  std::filesystem::path upload_dir_;
  http::ServerThread server_;
  std::optional<styles::Service> service_;
};

}  // namespace parity::test
