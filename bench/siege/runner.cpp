#include "bench/siege/runner.hpp"

#include "bench/siege/connection.hpp"
#include "common/http/client/client.hpp"
#include "common/loop/loop.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <optional>
#include <random>

namespace parity::siege {
namespace {

using namespace asio::experimental::awaitable_operators;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// What the users share. Lives in run()'s frame; the loop runs on run()'s thread only.
struct Siege {
  Siege(Loop& loop, const Options& o, const RunHooks& h)
      : options(o),
        hooks(h),
        client(loop.get_executor(), http::ClientOptions{.max_clients = 0,
                                                        .max_idle_per_host = o.concurrency,
                                                        .keep_alive = o.keep_alive,
                                                        .single_threaded = true}) {
    for (const auto& [name, value] : o.headers) fetch_options.headers.emplace_back(name, value);
    fetch_options.timeout = o.timeout;
    fetch_options.connect_timeout = o.timeout;
    fetch_options.raise_error = false;  // a 404 is a transaction, not a failure, as in siege
    if (o.keep_alive) {
      for (const auto& target : o.targets) prepared.push_back(prepare(target, o.headers));
    }
  }

  double now() const { return std::chrono::duration<double>(Clock::now() - started).count(); }

  const Options& options;
  const RunHooks& hooks;
  http::Client client;
  http::FetchOptions fetch_options;
  std::vector<PreparedTarget> prepared;      // keep-alive: each target's request, made once
  std::vector<UserConnection*> connections;  // keep-alive: each user's, for the timeout sweep
  Clock::time_point started = Clock::now();  // the run starts as soon as the siege is made
  std::mt19937 random{std::random_device{}()};
  std::uint64_t next_due = 0;  // --rate: the next request of the schedule a free user takes
  std::optional<double> stopped_at;  // when the time limit or a signal ended the run
  RunResult result;
};

// siege -d: a random pause of up to `delay_seconds` before each request.
asio::awaitable<void> pause(Siege& siege) {
  std::uniform_real_distribution<double> seconds(0, siege.options.delay_seconds);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(seconds(siege.random))));
  co_await timer.async_wait(use_tuple);
}

// One request through the styles' client, a new connection each time (--no-keepalive).
asio::awaitable<Answer> through_client(Siege& siege, const Target& target) {
  http::FetchRequest request{target.method, target.url};
  http::FetchOptions fetch_options = siege.fetch_options;
  if (!target.body.empty()) fetch_options.data = target.body;
  auto [ec, response] = co_await siege.client.async_fetch(request, fetch_options, use_tuple);
  Answer answer;
  answer.status = ec && ec != http::FetchErrc::http_status ? 0 : response.status;
  answer.body_bytes = response.body.size();
  if (answer.status == 0) answer.error = ec.message();
  co_return answer;
}

// One user: request after request, each URL in turn, starting at its own place in the list. Kept
// alive, on a connection of its own (connection.hpp); else through the client.
asio::awaitable<void> user(Siege& siege, unsigned index) {
  const auto& targets = siege.options.targets;
  std::size_t next = index % targets.size();
  // Cancellation (the end of the run) shows up here as a flag rather than as an exception.
  co_await asio::this_coro::throw_if_cancelled(false);
  auto state = co_await asio::this_coro::cancellation_state;
  auto cancelled = [&state] { return state.cancelled() != asio::cancellation_type::none; };
  std::optional<UserConnection> own;
  if (siege.options.keep_alive) {
    own.emplace(co_await asio::this_coro::executor);
    siege.connections.push_back(&*own);
  }
  asio::steady_timer pacer(co_await asio::this_coro::executor);  // --rate: waits for a due time
  for (unsigned done = 0; !siege.options.reps || done < *siege.options.reps; ++done) {
    if (siege.options.delay_seconds > 0) co_await pause(siege);
    Record record;
    if (siege.options.rate) {
      // Open loop: this user sends the next request due, at its time or, if late, at once.
      record.due = due_at(siege.next_due++, *siege.options.rate);
      auto at = siege.started + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(record.due));
      if (at > Clock::now()) {
        pacer.expires_at(at);
        co_await pacer.async_wait(use_tuple);
      }
    }
    if (cancelled()) break;
    const std::size_t which = next;
    next = (next + 1) % targets.size();
    record.start = siege.now();
    Answer answer;
    if (own) {
      answer = co_await own->round_trip(siege.prepared[which]);
    } else {
      answer = co_await through_client(siege, targets[which]);
    }
    if (cancelled()) {  // cut off by the end of the run: not recorded, but it was sent
      ++siege.result.unfinished;
      break;
    }
    record.end = siege.now();
    record.method = targets[which].method;
    record.url = targets[which].url;
    record.status = answer.status;
    record.bytes = answer.body_bytes;
    record.error = std::move(answer.error);
    if (siege.hooks.on_record) siege.hooks.on_record(record);
    siege.result.records.push_back(std::move(record));
  }
  if (own) std::erase(siege.connections, &*own);
}

// The per-request timeout of the kept-alive users: a look every quarter of it, rather than a
// timer per request. Runs until the users are done (it is cancelled then).
asio::awaitable<void> expire_slow_requests(Siege& siege) {
  co_await asio::this_coro::throw_if_cancelled(false);
  auto state = co_await asio::this_coro::cancellation_state;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const auto period =
      std::max<Clock::duration>(siege.options.timeout / 4, std::chrono::milliseconds(10));
  while (state.cancelled() == asio::cancellation_type::none) {
    timer.expires_after(period);
    co_await timer.async_wait(use_tuple);
    const auto limit = Clock::now() - siege.options.timeout;
    for (auto* connection : siege.connections) connection->expire(limit);
  }
}

// Every user at once; done when all are (or when cancelled, which cancels each of them).
asio::awaitable<void> all_users(Siege& siege) {
  auto executor = co_await asio::this_coro::executor;
  using Op = decltype(asio::co_spawn(executor, user(siege, 0), asio::deferred));
  std::vector<Op> users;
  users.reserve(siege.options.concurrency);
  for (unsigned i = 0; i < siege.options.concurrency; ++i)
    users.push_back(asio::co_spawn(executor, user(siege, i), asio::deferred));
  auto group = asio::experimental::make_parallel_group(std::move(users));
  if (!siege.options.keep_alive) {
    co_await group.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    co_return;
  }
  auto all = group.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
  auto sweep = expire_slow_requests(siege);
  co_await (std::move(all) || std::move(sweep));
}

// The run ends when this fires: its elapsed time stops here, not once the users have let go of
// their connections (thousands of them take tens of milliseconds to close).
asio::awaitable<void> time_limit(Siege& siege, Clock::duration limit) {
  asio::steady_timer timer(co_await asio::this_coro::executor, limit);
  auto [ec] = co_await timer.async_wait(use_tuple);
  if (!ec) siege.stopped_at = siege.now();
}

asio::awaitable<void> interrupted(Siege& siege) {
  asio::signal_set signals(co_await asio::this_coro::executor, SIGINT, SIGTERM);
  auto [ec, signal] = co_await signals.async_wait(use_tuple);
  siege.result.interrupted = !ec;
  if (!ec) siege.stopped_at = siege.now();
}

asio::awaitable<void> lay_siege(Siege& siege) {
  // Named first: GCC 12 must not see class temporaries inside a co_await expression.
  auto users = all_users(siege);
  if (siege.options.time) {
    auto limit = time_limit(siege, *siege.options.time);
    if (siege.hooks.stop_on_signals) {
      auto signal = interrupted(siege);
      co_await (std::move(users) || std::move(limit) || std::move(signal));
    } else {
      co_await (std::move(users) || std::move(limit));
    }
  } else if (siege.hooks.stop_on_signals) {
    auto signal = interrupted(siege);
    co_await (std::move(users) || std::move(signal));
  } else {
    co_await std::move(users);
  }
  siege.result.elapsed = siege.stopped_at.value_or(siege.now());
}

}  // namespace

RunResult run(const Options& options, const RunHooks& hooks) {
  Loop loop;
  Siege siege(loop, options, hooks);
  // Enough for any run: it stops itself. The margin lets abandoned requests unwind.
  auto bound = options.time ? *options.time + options.timeout + std::chrono::seconds(10)
                            : std::chrono::hours(24 * 365);
  loop.run_sync([&siege] { return lay_siege(siege); },
                std::chrono::duration_cast<Clock::duration>(bound));
  return std::move(siege.result);
}

}  // namespace parity::siege
