#pragma once
// The demo service (all five styles) on its own loop thread, over a given upstream, for tests.

#include "common/demo/context.hpp"
#include "common/http/server.hpp"
#include "styles/service.hpp"
#include "tests/support/test_server.hpp"

#include <boost/asio/thread_pool.hpp>

#include <filesystem>
#include <thread>

namespace parity::test {

class DemoService {
 public:
  explicit DemoService(std::string upstream_url,
                       std::chrono::milliseconds upstream_timeout = std::chrono::seconds(10))
      : client_(loop_.get_executor(), http::ClientOptions{.max_clients = 0}) {
    upload_dir_ =
        std::filesystem::temp_directory_path() /
        ("parity-test-uploads-" + std::to_string(::getpid()) + "-" + std::to_string(next_id()));
    std::filesystem::create_directories(upload_dir_);
    context_.upstream_url = std::move(upstream_url);
    context_.client = &client_;
    context_.pool = &pool_;
    context_.upload_dir = upload_dir_;
    context_.upstream_timeout = upstream_timeout;
    server_ =
        std::make_unique<http::Server>(loop_, styles::make_service(context_), TestServer::quiet());
    server_->listen("127.0.0.1", 0);
    thread_ = std::jthread([this] { loop_.run(); });
  }
  ~DemoService() {
    loop_.stop();
    thread_.join();
    server_.reset();
    pool_.join();
    std::filesystem::remove_all(upload_dir_);
  }

  unsigned short port() const { return server_->port(); }
  const std::filesystem::path& upload_dir() const { return upload_dir_; }

 private:
  static int next_id() {
    static std::atomic<int> id{0};
    return id++;
  }
  Loop loop_;
  asio::thread_pool pool_{5};
  http::Client client_;
  demo::Context context_;
  std::filesystem::path upload_dir_;
  std::unique_ptr<http::Server> server_;
  std::jthread thread_;
};

}  // namespace parity::test
