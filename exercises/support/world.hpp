#pragma once
// What every exercise's tests share: the student's handlers served on loopback, in front of the
// simulated upstream, with a client to call them; and failures in plain words, which are what
// `parity learn check` shows.

#include "common/http/client.hpp"
#include "common/http/server_thread.hpp"
#include "upstream/upstream.hpp"

#include <gtest/gtest.h>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <vector>

// Fails the test, going on, with `message` alone: no expression dump, just the sentence.
#define EXPECT_BECAUSE(condition, message)      \
  do {                                          \
    if (!(condition)) ADD_FAILURE() << message; \
  } while (0)
// The same, stopping the test.
#define REQUIRE_BECAUSE(condition, message) \
  do {                                      \
    if (!(condition)) FAIL() << message;    \
  } while (0)

namespace parity::exercises {

using namespace std::chrono_literals;

// A library that blocks, for exercises 07 and 08. lookup() holds its thread until `callers`
// lookups are inside it at once (as a slow library would hold it for its answer), and throws if
// it waited 2 s in vain. crunch() is CPU work: it spins until release() is called, or 3 s pass.
class SlowLibrary {
 public:
  explicit SlowLibrary(int callers) : callers_(callers) {}
  std::string lookup(const std::string& key);
  bool crunch();  // true if it was released; false if it gave up
  void release();
  bool crunching() const { return crunching_; }

 private:
  int callers_;
  std::mutex mutex_;
  std::condition_variable arrived_;
  int inside_ = 0;
  int generation_ = 0;
  std::atomic<bool> released_{false};
  std::atomic<bool> crunching_{false};
};

// What the student's handlers are given, through initialize(const Services*).
struct Services {
  http::Client* client = nullptr;  // runs on the server's loop
  std::string upstream;            // the upstream's base URL: fetch upstream + "/delay"
  asio::thread_pool* pool = nullptr;
  SlowLibrary* library = nullptr;
};

// The student's handlers on a server of their own. `mount(app, services)` is each exercise's
// entry point. `upstream` is a path added to the simulator's URL (a barrier, say), or a whole
// URL of another upstream (a closed port, one that never answers).
class World {
 public:
  // `library_callers`: how many lookups SlowLibrary::lookup waits for.
  template <class Mount>
  World(Mount mount, const std::string& upstream = "", unsigned threads = 1,
        int library_callers = 1)
      : client_(server_.loop().get_executor(), {.max_clients = 0}), library_(library_callers) {
    services_.client = &client_;
    services_.upstream = upstream.starts_with("http") ? upstream : upstream_.url() + upstream;
    services_.pool = &pool_;
    services_.library = &library_;
    auto app = std::make_shared<http::Application>();
    mount(*app, services_);
    http::ServerOptions quiet;
    quiet.access_log = false;
    server_.start(app, quiet, "127.0.0.1", 0, threads);
  }
  ~World() {
    server_.stop();  // the client serves the loop: it goes after it
    pool_.join();
  }

  std::string url(const std::string& path) const { return server_.url(path); }
  unsigned short port() const { return server_.port(); }
  upstream::EmbeddedUpstream& upstream() { return upstream_; }
  SlowLibrary& library() { return library_; }

  // GET `path` with a deadline: status 0 if no answer came in time.
  http::FetchResponse get(const std::string& path, std::chrono::milliseconds timeout = 3s) const {
    try {
      return http::fetch_blocking({"GET", url(path)}, {.timeout = timeout, .raise_error = false});
    } catch (const http::FetchError&) {
      return {};
    }
  }

  // `count` GETs sent at once, each from a thread of its own; their answers in order.
  std::vector<http::FetchResponse> get_at_once(const std::string& path, int count,
                                               std::chrono::milliseconds timeout = 3s) const {
    std::vector<std::future<http::FetchResponse>> answers;
    for (int i = 0; i < count; ++i)
      answers.push_back(
          std::async(std::launch::async, [this, path, timeout] { return get(path, timeout); }));
    std::vector<http::FetchResponse> all;
    for (auto& answer : answers) all.push_back(answer.get());
    return all;
  }

  // One of the upstream's /stats counters: "waiting" or "abandoned".
  std::int64_t upstream_stat(const char* name) {
    auto stats = http::fetch_blocking({"GET", upstream_.url() + "/stats"});
    return stats.json().at(name).to_number<std::int64_t>();
  }

 private:
  upstream::EmbeddedUpstream upstream_{upstream::Options{.latency = 50ms}};
  http::ServerThread server_;
  http::Client client_;
  asio::thread_pool pool_{4};
  SlowLibrary library_;
  Services services_;
};

// How many of `responses` have `status`.
inline int count_status(const std::vector<http::FetchResponse>& responses, unsigned status) {
  int n = 0;
  for (const auto& r : responses) n += r.status == status;
  return n;
}

// "200 200" or "500 500": the statuses, to show in a message.
inline std::string statuses(const std::vector<http::FetchResponse>& responses) {
  std::string out;
  for (const auto& r : responses) out += (out.empty() ? "" : " ") + std::to_string(r.status);
  return out;
}

// The URL of a port nothing listens on: bound, then closed.
std::string closed_upstream();

}  // namespace parity::exercises
