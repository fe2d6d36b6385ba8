#pragma once
// What every exercise's tests share: the student's handlers served on loopback, in front of the
// simulated upstream, with a client to call them; and failures in plain words, which are what
// `parity learn check` shows.

#include "common/future/use_future.hpp"
#include "common/http/client/client.hpp"
#include "common/http/server/server_thread.hpp"
#include "common/log/log.hpp"
#include "upstream/upstream.hpp"

#include <gtest/gtest.h>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
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

// How a call to async_fetch is to complete: the completion token, seen through the binders that
// async_callback() and cancel_on_close() wrap around it.
enum class Via { callback, future, awaitable, deferred };
std::string to_string(Via via);

template <class Token>
struct via_of {
  static constexpr Via value = Via::callback;  // a function object: a callback
};
template <class Token, class Slot>
struct via_of<asio::cancellation_slot_binder<Token, Slot>> : via_of<Token> {};
template <class Token, class Executor>
struct via_of<asio::executor_binder<Token, Executor>> : via_of<Token> {};
template <>
struct via_of<use_future_t> {
  static constexpr Via value = Via::future;
};
template <class Executor>
struct via_of<asio::use_awaitable_t<Executor>> {
  static constexpr Via value = Via::awaitable;
};
template <>
struct via_of<asio::deferred_t> {
  static constexpr Via value = Via::deferred;
};

// The client the student's handlers are given: http::Client's async_fetch, which also counts how
// each call was to complete, so that a test can tell which style a solution used, and whether it
// used async_fetch at all (a fetch_blocking leaves no count here, yet reaches the upstream).
class RecordingClient {
 public:
  explicit RecordingClient(http::Client& client) : client_(client) {}

  template <class CompletionToken>
  auto async_fetch(http::FetchRequest request, http::FetchOptions options,
                   CompletionToken&& token) {
    ++calls_[static_cast<int>(via_of<std::decay_t<CompletionToken>>::value)];
    return client_.async_fetch(std::move(request), std::move(options),
                               std::forward<CompletionToken>(token));
  }

  int calls(Via via) const { return calls_[static_cast<int>(via)]; }
  int calls() const;

 private:
  http::Client& client_;
  std::atomic<int> calls_[4] = {};
};

// A std::mutex the tests can watch, for exercise 09's State. A test can have the next unlock()
// on a thread call a function right after it: there it holds that thread while another one
// runs, which is the interleaving that loses a callback when "is it done?" and "add it" are
// under two locks. Deterministic, where a stress test would pass by luck.
class CheckedMutex {
 public:
  void lock() { mutex_.lock(); }
  bool try_lock() { return mutex_.try_lock(); }
  void unlock();
  // `then` runs once, on this thread, right after this thread's next unlock of any CheckedMutex.
  static void after_next_unlock(std::function<void()> then);
  // Whether that has happened (false: no unlock came).
  static bool pending_after_unlock();

 private:
  std::mutex mutex_;
};

// What the student's handlers are given, through initialize(const Services*).
struct Services {
  RecordingClient* client = nullptr;  // http::Client's async_fetch, on the server's loop
  std::string upstream;               // the upstream's base URL: fetch upstream + "/delay"
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
      : client_(server_.loop().get_executor(), {.max_clients = 0}),
        recording_client_(client_),
        library_(library_callers) {
    // What the core logs (a misuse it refused, a handler let go of) is kept for the tests'
    // sentences, and goes to stderr too, where a crash report shows it.
    log::set_sink([this](std::string_view line) {
      std::lock_guard lock(log_mutex_);
      std::fwrite(line.data(), 1, line.size(), stderr);
      while (line.ends_with('\n')) line.remove_suffix(1);
      log_.emplace_back(line);
    });
    services_.client = &recording_client_;
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
    log::set_sink({});
  }

  const RecordingClient& client() const { return recording_client_; }
  // The random text the upstream puts in each of its answers (see upstream::Options::nonce).
  const std::string& nonce() const { return nonce_; }
  // What the upstream answers to GET `path`, fetched here, directly: what must be relayed.
  std::string upstream_body(const std::string& path = "/delay") const;

  // The core's error lines ("... (answered 500)", "... let go of ..."), in order.
  std::vector<std::string> complaints() const;
  // ": the server said: <first complaint, made short>", or "" when it said nothing: what a part
  // appends to its sentence, since the core names the mistake better than a status can.
  std::string server_said() const;
  // Whether the core refused a misuse of the handler contract (a foreign thread, a forgotten
  // `asynchronous`, a handler let go of): then that, not a guess, is what to tell.
  bool core_refused() const;

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
  static std::string random_nonce();

  std::string nonce_ = random_nonce();
  upstream::EmbeddedUpstream upstream_{upstream::Options{.latency = 50ms, .nonce = nonce_}};
  http::ServerThread server_;
  http::Client client_;
  RecordingClient recording_client_;
  mutable std::mutex log_mutex_;
  std::vector<std::string> log_;
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
