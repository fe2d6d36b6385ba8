#include "upstream/upstream.hpp"

#include <boost/json.hpp>

#include <sys/resource.h>

#include <fmt/format.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <vector>

namespace parity::upstream {
namespace {

namespace json = boost::json;
using http::HttpError;
using http::RequestHandler;

json::object query_as_json(const RequestHandler& handler) {
  json::object args;
  for (const auto& [key, value] : http::parse_query(handler.query())) args[key] = value;
  return args;
}

json::value with_nonce(json::object answer, const Options& options) {
  if (!options.nonce.empty()) answer["nonce"] = options.nonce;
  return answer;
}

class IndexHandler final : public RequestHandler {
 public:
  void get() {
    set_header(http::field::content_type, "text/plain; charset=UTF-8");
    finish(
        "parity upstream: the simulated remote API\n\n"
        "GET  /delay?ms=N\n"
        "GET  /status/{code}\n"
        "GET  /malformed\n"
        "GET  /drop\n"
        "GET  /hang\n"
        "GET  /barrier?n=N&timeout_ms=T\n"
        "GET  /barrier/N/T/delay\n"
        "GET  /stats\n"
        "POST /object/{object_id}/instance/_import\n"
        "POST /object/{object_id}/instance/_search\n");
  }
};

// What the simulator saw, for GET /stats: lessons and exercises ask it whether a service really
// cancelled its call when its own client went away.
struct Counters {
  std::atomic<std::int64_t> waiting{0};    // /delay and /barrier requests waiting now
  std::atomic<std::int64_t> abandoned{0};  // those whose client went away before the answer
};

class DelayHandler final : public RequestHandler {
 public:
  static constexpr bool asynchronous = true;
  DelayHandler(Options options, std::shared_ptr<Counters> counters)
      : options_(options), counters_(std::move(counters)) {}

  void get() {
    auto delay = std::chrono::milliseconds(int_argument("ms", default_delay().count(), 0, 600'000));
    timer_.emplace(get_executor(), delay);
    ++counters_->waiting;
    timer_->async_wait(cancel_on_close(async_callback([this, delay](boost::system::error_code ec) {
      --counters_->waiting;
      if (ec) {  // cancelled: the client went away
        ++counters_->abandoned;
        return;
      }
      finish(with_nonce({{"delay_ms", delay.count()}, {"args", query_as_json(*this)}}, options_));
    })));
  }

 private:
  std::chrono::milliseconds default_delay() const {
    if (options_.jitter.count() == 0) return options_.latency;
    thread_local std::minstd_rand random{std::random_device{}()};
    auto spread = std::uniform_int_distribution<long long>(-options_.jitter.count(),
                                                           options_.jitter.count())(random);
    return std::max(0ms, options_.latency + std::chrono::milliseconds(spread));
  }
  Options options_;
  std::shared_ptr<Counters> counters_;
  std::optional<asio::steady_timer> timer_;
};

class StatsHandler final : public RequestHandler {
 public:
  explicit StatsHandler(std::shared_ptr<Counters> counters) : counters_(std::move(counters)) {}
  void get() {
    finish(json::value{{"waiting", counters_->waiting.load()},
                       {"abandoned", counters_->abandoned.load()}});
  }

 private:
  std::shared_ptr<Counters> counters_;
};

// Requests waiting at /barrier?n=N, by N: the Nth to arrive releases them all.
struct Barriers {
  struct Waiter {
    std::uint64_t id;
    std::function<void()> release;
  };
  std::mutex mutex;
  std::uint64_t next_id = 0;
  std::map<int, std::vector<Waiter>> waiting;
};

// Answers only once n requests are waiting here at the same time, and fails with 504 one that
// waited timeout_ms in vain. Proof of concurrency by behaviour: a client that sends its n
// requests one after the other gets a 504, fast, whatever the machine's speed.
class BarrierHandler final : public RequestHandler {
 public:
  static constexpr bool asynchronous = true;
  BarrierHandler(Options options, std::shared_ptr<Barriers> barriers,
                 std::shared_ptr<Counters> counters)
      : options_(std::move(options)),
        barriers_(std::move(barriers)),
        counters_(std::move(counters)) {}

  void get() {
    n_ = static_cast<int>(group_or_argument("n", 2, 1, 1000));
    auto timeout = std::chrono::milliseconds(group_or_argument("timeout_ms", 2000, 1, 600'000));
    timer_.emplace(get_executor(), timeout);
    ++counters_->waiting;
    // Wait first, then join: the request that completes the barrier releases itself too, and
    // its release must find the wait to cancel.
    timer_->async_wait(
        cancel_on_close(async_callback([this, timeout](boost::system::error_code ec) {
          --counters_->waiting;
          if (released_)
            return finish(with_nonce(
                {{"n", n_}, {"released", true}, {"args", query_as_json(*this)}}, options_));
          int arrived = leave();
          if (ec) {  // the client went away
            ++counters_->abandoned;
            return;
          }
          throw HttpError(504, fmt::format("only {} of {} requests arrived within {} ms", arrived,
                                           n_, timeout.count()));
        })));
    join();
  }

 private:
  void join() {
    std::vector<Barriers::Waiter> released;
    {
      std::lock_guard lock(barriers_->mutex);
      id_ = barriers_->next_id++;
      auto& waiting = barriers_->waiting[n_];
      waiting.push_back({id_, async_callback([this] {
                           released_ = true;
                           timer_->cancel();
                         })});
      if (static_cast<int>(waiting.size()) < n_) return;
      released.swap(waiting);
      barriers_->waiting.erase(n_);
    }
    for (auto& waiter : released) waiter.release();
  }

  // From the path (/barrier/N/T/delay) if the route has that group, else from the query.
  long long group_or_argument(const char* name, long long fallback, long long min,
                              long long max) const {
    try {
      long long value = std::stoll(path_arg(name));
      if (value < min || value > max) throw HttpError(400, std::string(name) + " is out of range");
      return value;
    } catch (const std::out_of_range&) {
      return int_argument(name, fallback, min, max);
    }
  }

  // Leaves the barrier unreleased; returns how many were waiting with this one.
  int leave() {
    std::lock_guard lock(barriers_->mutex);
    auto it = barriers_->waiting.find(n_);
    if (it == barriers_->waiting.end()) return 1;
    int arrived = static_cast<int>(it->second.size());
    std::erase_if(it->second, [this](const Barriers::Waiter& w) { return w.id == id_; });
    if (it->second.empty()) barriers_->waiting.erase(it);
    return arrived;
  }

  Options options_;
  std::shared_ptr<Barriers> barriers_;
  std::shared_ptr<Counters> counters_;
  std::optional<asio::steady_timer> timer_;
  int n_ = 2;
  std::uint64_t id_ = 0;
  bool released_ = false;
};

class StatusHandler final : public RequestHandler {
 public:
  void get() {
    unsigned code = std::stoul(path_arg("code"));
    if (code < 200 || code > 599) throw HttpError(400, "the status must be from 200 to 599");
    set_status(code);
    if (code == 204 || code == 304) return finish();  // these carry no body
    finish(json::value{{"status", code}});
  }
};

class MalformedHandler final : public RequestHandler {
 public:
  void get() {
    set_header(http::field::content_type, "application/json");
    finish(R"({"instances": [{"name": "web-1"}, )");
  }
};

class DropHandler final : public RequestHandler {
 public:
  static constexpr bool asynchronous = true;
  void get() {
    set_header(http::field::content_length, "1000");
    write(std::string(100, 'x'));
    async_flush(async_callback([this](boost::system::error_code) { abort_connection(); }));
  }
};

// Never finishes: it waits on a timer that only the client's going away cancels.
class HangHandler final : public RequestHandler {
 public:
  static constexpr bool asynchronous = true;
  void get() {
    timer_.emplace(get_executor(), asio::steady_timer::time_point::max());
    timer_->async_wait(cancel_on_close(async_callback([](boost::system::error_code) {})));
  }

 private:
  std::optional<asio::steady_timer> timer_;
};

// The CMDB of seed 000, in memory: instances by object id, keyed by their "name".
struct CmdbStore {
  std::mutex mutex;
  std::map<std::string, std::map<std::string, json::object>> objects;
};

class CmdbImportHandler final : public RequestHandler {
 public:
  explicit CmdbImportHandler(std::shared_ptr<CmdbStore> store) : store_(std::move(store)) {}
  void post() {
    const auto& body = json_body();
    if (!body.is_array() || body.as_array().empty()) {
      throw HttpError(400, "expected a non-empty JSON list of instances");
    }
    for (const auto& instance : body.as_array()) {
      if (!instance.is_object() || !instance.as_object().contains("name") ||
          !instance.as_object().at("name").is_string()) {
        throw HttpError(400, "every instance needs a string \"name\"");
      }
    }
    std::int64_t created = 0, updated = 0;
    {
      std::lock_guard lock(store_->mutex);
      auto& instances = store_->objects[path_arg("object_id")];
      for (const auto& instance : body.as_array()) {
        std::string name(instance.as_object().at("name").as_string());
        auto [it, inserted] = instances.insert_or_assign(name, instance.as_object());
        (inserted ? created : updated)++;
      }
    }
    finish(json::value{
        {"code", 0},
        {"message", "success"},
        {"data",
         {{"object_id", path_arg("object_id")}, {"created", created}, {"updated", updated}}}});
  }

 private:
  std::shared_ptr<CmdbStore> store_;
};

class CmdbSearchHandler final : public RequestHandler {
 public:
  explicit CmdbSearchHandler(std::shared_ptr<CmdbStore> store) : store_(std::move(store)) {}
  void post() {
    const auto& body = json_body();
    if (!body.is_object()) throw HttpError(400, "expected a JSON object {\"query\": {...}}");
    json::object query;
    if (auto* q = body.as_object().if_contains("query")) {
      if (!q->is_object()) throw HttpError(400, "\"query\" must be an object of field: value");
      query = q->as_object();
    }
    json::array matches;
    {
      std::lock_guard lock(store_->mutex);
      for (const auto& [name, instance] : store_->objects[path_arg("object_id")]) {
        bool all = true;
        for (const auto& [field, wanted] : query) {
          auto* have = instance.if_contains(field);
          if (!have || *have != wanted) all = false;
        }
        if (all) matches.push_back(instance);
      }
    }
    auto total = static_cast<std::int64_t>(matches.size());
    finish(json::value{{"code", 0},
                       {"message", "success"},
                       {"data", {{"total", total}, {"list", std::move(matches)}}}});
  }

 private:
  std::shared_ptr<CmdbStore> store_;
};

}  // namespace

std::shared_ptr<http::Application> make_application(const Options& options) {
  auto app = std::make_shared<http::Application>();
  auto store = std::make_shared<CmdbStore>();
  auto counters = std::make_shared<Counters>();
  auto barriers = std::make_shared<Barriers>();
  app->add<IndexHandler>("/", "index")
      .add<DelayHandler>("/delay", "delay", options, counters)
      .add<BarrierHandler>("/barrier", "barrier", options, barriers, counters)
      // The same barrier as a /delay, for a service started with --upstream URL/barrier/N/T:
      // its /fetch then answers only when N of them run at once.
      .add<BarrierHandler>(R"(/barrier/(?P<n>\d{1,4})/(?P<timeout_ms>\d{1,6})/delay)",
                           "barrier_delay", options, barriers, counters)
      .add<StatsHandler>("/stats", "stats", counters)
      .add<StatusHandler>(R"(/status/(?P<code>\d{3}))", "status")
      .add<MalformedHandler>("/malformed", "malformed")
      .add<DropHandler>("/drop", "drop")
      .add<HangHandler>("/hang", "hang")
      .add<CmdbImportHandler>(R"(/object/(?P<object_id>\w+)/instance/_import)", "cmdb_import",
                              store)
      .add<CmdbSearchHandler>(R"(/object/(?P<object_id>\w+)/instance/_search)", "cmdb_search",
                              store);
  return app;
}

unsigned long raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
    ::getrlimit(RLIMIT_NOFILE, &limit);
  }
  return limit.rlim_cur;
}

EmbeddedUpstream::EmbeddedUpstream(const Options& options, const std::string& host,
                                   unsigned short port, bool access_log) {
  http::ServerOptions server_options;
  server_options.access_log = access_log;
  thread_.loop().set_name("upstream");
  thread_.start(make_application(options), server_options, host, port);
}

}  // namespace parity::upstream
