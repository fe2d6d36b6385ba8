#pragma once
// What every style's handlers are given: where the upstream is, the one client on the loop, the
// pool for blocking work, and the upload directory. Nothing here is a style.

#include "common/http/client/client.hpp"

#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace parity::demo {

namespace asio = boost::asio;

using namespace std::chrono_literals;

struct Context {
  std::string upstream_url;           // http://127.0.0.1:9001, no trailing slash
  http::Client* client = nullptr;     // on the loop: for callback, future, coroutine
  asio::thread_pool* pool = nullptr;  // blocking work: threadpool's handlers, async file I/O
  unsigned pool_size = 0;             // its threads
  std::filesystem::path upload_dir;
  std::vector<std::string> allowed_extensions{".mp3", ".wav", ".txt"};
  std::chrono::milliseconds upstream_timeout = 10s;
};

}  // namespace parity::demo
