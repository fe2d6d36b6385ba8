#include "common/http/client/client.hpp"

#include "common/http/client/client_reading.hpp"
#include "common/http/wire/header_bytes.hpp"
#include "common/log/log.hpp"
#include "common/loop/loop.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <charconv>
#include <deque>
#include <unordered_map>

namespace parity::http {
namespace {

using boost::system::error_code;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// A connection to an upstream, kept in the pool between fetches while the server keeps it alive.
struct PooledConnection {
  explicit PooledConnection(asio::any_io_executor ex) : stream(ex) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
};

struct Waiter {
  explicit Waiter(asio::any_io_executor ex) : timer(ex) {}
  asio::steady_timer timer;
  bool granted = false;
};

// Where a request goes and what it says, built once from FetchRequest and FetchOptions.
struct Prepared {
  std::string host;
  std::string port;
  unsigned short port_number = 80;
  std::string url;
  // The request as sent, serialized once: a retry sends the same bytes, and writing one buffer
  // costs a fraction of async_write(stream, message), which walks Beast's buffer views each time.
  std::string wire;
};

error_code prepare(const FetchRequest& request, const FetchOptions& options,
                   const ClientOptions& client, Prepared& out) {
  auto parsed = boost::urls::parse_uri(request.url);
  if (!parsed || parsed->scheme() != "http" || parsed->host().empty())
    return FetchErrc::invalid_url;
  boost::urls::url url = *parsed;
  for (const auto& [key, value] : options.params) url.params().append({key, value});
  if (url.encoded_path().empty()) url.set_path("/");  // encoded: nothing to decode to know
  out.host = url.host();
  out.port = url.has_port() ? std::string(url.port()) : "80";
  unsigned port_number = 0;
  auto [end, errc] =
      std::from_chars(out.port.data(), out.port.data() + out.port.size(), port_number);
  if (errc != std::errc{} || end != out.port.data() + out.port.size() || port_number > 65535)
    return FetchErrc::invalid_url;
  out.port_number = static_cast<unsigned short>(port_number);
  out.url = url.buffer();

  verb method = bhttp::string_to_verb(request.method);
  if (method == verb::unknown) return FetchErrc::invalid_url;
  Request m;
  m.method(method);
  m.target(url.encoded_target());
  m.version(11);
  m.set(field::host, url.encoded_host_and_port());
  m.set(field::user_agent, client.user_agent);
  if (options.json) {
    m.set(field::content_type, "application/json");
    m.body() = boost::json::serialize(*options.json);
  } else if (auto* form = std::get_if<ArgumentList>(&options.data)) {
    boost::urls::url encoder;  // Boost.URL percent-encodes the form as it would a query
    for (const auto& [key, value] : *form) encoder.params().append({key, value});
    m.set(field::content_type, "application/x-www-form-urlencoded");
    m.body() = encoder.encoded_query();
  } else if (auto* raw = std::get_if<std::string>(&options.data)) {
    m.body() = *raw;
  }
  for (const auto& [name, value] : options.headers) m.set(name, value);
  m.keep_alive(client.keep_alive);
  m.prepare_payload();
  out.wire = header_bytes(m.base()) + m.body();
  return {};
}

}  // namespace

boost::system::error_code classify_io_error(boost::system::error_code ec, bool got_bytes) {
  if (ec == beast::error::timeout) return FetchErrc::request_timeout;
  if (ec == asio::error::operation_aborted) return ec;
  if (ec == bhttp::error::body_limit) return FetchErrc::response_too_large;
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
      ec == asio::error::eof || ec == asio::error::connection_reset ||
      ec == asio::error::broken_pipe) {
    return FetchErrc::connection_closed;
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_version).category()) {
    return FetchErrc::malformed_response;
  }
  return got_bytes ? FetchErrc::connection_closed : ec;
}

struct Client::Impl : std::enable_shared_from_this<Client::Impl> {
  Impl(asio::any_io_executor ex, ClientOptions o)
      : serial(o.single_threaded ? ex : asio::any_io_executor(asio::make_strand(ex))),
        options(std::move(o)) {}

  // All state below is touched only through this: a strand over the client's executor, or the
  // executor itself when it runs on one thread.
  asio::any_io_executor serial;
  ClientOptions options;
  std::unordered_map<std::string, std::vector<std::shared_ptr<PooledConnection>>> idle;
  std::deque<std::shared_ptr<Waiter>> queue;
  std::atomic<std::size_t> active{0};
  std::atomic<std::size_t> waiting{0};

  // Takes a slot if fewer than max_clients are in flight.
  bool try_acquire() {
    if (options.max_clients != 0 && active >= options.max_clients) return false;
    ++active;
    return true;
  }

  // Waits in the queue (until `deadline`) for a slot that release() hands over.
  asio::awaitable<error_code> wait_for_slot(Clock::time_point deadline) {
    if (queue.size() >= options.max_queue) co_return FetchErrc::queue_full;
    auto waiter = std::make_shared<Waiter>(serial);
    waiter->timer.expires_at(deadline);
    queue.push_back(waiter);
    ++waiting;
    auto [ec] = co_await waiter->timer.async_wait(use_tuple);
    --waiting;
    if (waiter->granted) co_return error_code{};  // release() passed its slot on to us
    std::erase(queue, waiter);
    co_return ec == asio::error::operation_aborted ? ec : error_code(FetchErrc::queue_timeout);
  }

  // Gives the slot to the first waiter, if any, else frees it.
  void release() {
    if (!queue.empty()) {
      auto next = queue.front();
      queue.pop_front();
      next->granted = true;
      next->timer.cancel();
      return;
    }
    --active;
  }

  std::shared_ptr<PooledConnection> take_idle(const std::string& key) {
    auto found = idle.find(key);
    if (found == idle.end() || found->second.empty()) return nullptr;
    auto connection = std::move(found->second.back());
    found->second.pop_back();
    return connection;
  }

  void keep_idle(const std::string& key, std::shared_ptr<PooledConnection> connection) {
    auto& list = idle[key];
    if (list.size() < options.max_idle_per_host) list.push_back(std::move(connection));
  }

  asio::awaitable<error_code> connect(PooledConnection& connection, const Prepared& target,
                                      Clock::time_point deadline,
                                      std::chrono::milliseconds connect_timeout) {
    tcp::resolver::results_type endpoints;
    error_code numeric_ec;
    auto address = asio::ip::make_address(target.host, numeric_ec);
    if (!numeric_ec) {
      // A numeric address needs no resolver, whose work runs on a thread of its own.
      endpoints = tcp::resolver::results_type::create(tcp::endpoint(address, target.port_number),
                                                      target.host, target.port);
    } else {
      tcp::resolver resolver(serial);
      auto [resolve_ec, resolved] =
          co_await resolver.async_resolve(target.host, target.port, use_tuple);
      if (resolve_ec)
        co_return resolve_ec == asio::error::operation_aborted
            ? resolve_ec
            : error_code(FetchErrc::connect_failed);
      endpoints = std::move(resolved);
    }
    connection.stream.expires_at(std::min(deadline, Clock::now() + connect_timeout));
    auto [ec, endpoint] = co_await connection.stream.async_connect(endpoints, use_tuple);
    if (ec == beast::error::timeout) co_return FetchErrc::connect_timeout;
    if (ec == asio::error::operation_aborted) co_return ec;
    if (ec) co_return FetchErrc::connect_failed;
    connection.stream.socket().set_option(tcp::no_delay(true));
    co_return error_code{};
  }

  // One request and response on `connection`. `got_bytes` tells whether anything came back: a
  // reused connection that the server had closed fails before any byte does.
  struct RoundTrip {
    error_code ec;
    bool got_bytes = false;
    bool keep_alive = false;
  };
  asio::awaitable<RoundTrip> round_trip(PooledConnection& connection, Prepared& target,
                                        Clock::time_point deadline, FetchResponse& response,
                                        const bool& cancelled) {
    RoundTrip result;
    connection.stream.expires_at(deadline);
    auto [write_ec, written] =
        co_await asio::async_write(connection.stream, asio::buffer(target.wire), use_tuple);
    if (write_ec || cancelled) {
      result.ec = cancelled ? error_code(asio::error::operation_aborted)
                            : classify_io_error(write_ec, false);
      co_return result;
    }
    // An interim answer (100 Continue, 103 Early Hints) is read past: taken for the answer, it
    // left the final one on the connection, where the next request on it read it as its own.
    Response message;
    do {
      bhttp::response_parser<bhttp::string_body> parser;
      parser.body_limit(options.max_body_size);
      auto [read_ec, read] =
          co_await bhttp::async_read(connection.stream, connection.buffer, parser, use_tuple);
      result.got_bytes = result.got_bytes || parser.got_some();
      if (read_ec) {
        result.ec = classify_io_error(read_ec, result.got_bytes);
        co_return result;
      }
      message = parser.release();
      if (!is_valid_status(message.result_int())) {
        result.ec = FetchErrc::malformed_response;
        co_return result;
      }
    } while (is_interim(message.result_int()));
    result.keep_alive = message.keep_alive();
    response.status = message.result_int();
    response.body = std::move(message.body());
    response.headers = std::move(message.base());
    co_return result;
  }

  // Everything one fetch needs, made before the coroutine starts. The coroutine takes it as one
  // shared_ptr: GCC 12 mishandles class-type coroutine parameters and co_await inside conditions,
  // so fetch() has neither.
  struct Job {
    Prepared target;
    FetchOptions options;
    Clock::time_point started;
    Clock::time_point deadline;
    FetchResponse response;
    error_code ec;
    // The fetch's own cancellation: emitted on `serial` only, never from the caller's strand.
    asio::cancellation_signal cancel;
    bool done = false;  // on `serial`: the fetch completed, a late cancellation has no target
    // On `serial` too. A cancellation that comes between two operations reaches neither (Asio
    // forgets it, and Beast's stream operations in 1.81 ignore the slot anyway): the fetch checks
    // this flag between its steps, and the forwarder cancels what is pending on the connection.
    bool cancelled = false;
    std::weak_ptr<PooledConnection> connection;
  };

  asio::awaitable<void> fetch(std::shared_ptr<Job> job) {
    // Cancellation (the caller's slot fired) shows as operation_aborted from the pending
    // operation, reported like any other outcome, rather than as an exception.
    co_await asio::this_coro::throw_if_cancelled(false);
    if (!try_acquire()) {  // no coroutine frame for the common case, a free slot
      job->ec = co_await wait_for_slot(job->deadline);
      if (job->ec) co_return;
    }
    struct SlotGuard {
      Impl* impl;
      ~SlotGuard() { impl->release(); }
    } slot{this};

    const std::string key = job->target.host + ":" + job->target.port;
    for (int attempt = 0; attempt < 2 && !job->cancelled; ++attempt) {
      auto connection = take_idle(key);
      const bool reused = connection != nullptr;
      if (!connection) {
        connection = std::make_shared<PooledConnection>(serial);
        job->connection = connection;
        job->ec =
            co_await connect(*connection, job->target, job->deadline, job->options.connect_timeout);
        if (job->ec) break;
      }
      if (job->cancelled) break;
      job->connection = connection;
      RoundTrip result = co_await round_trip(*connection, job->target, job->deadline, job->response,
                                             job->cancelled);
      job->ec = result.ec;
      // The server may close a kept-alive connection just as we reuse it: try once more afresh.
      if (job->ec == FetchErrc::connection_closed && reused && !result.got_bytes) continue;
      if (!job->ec && result.keep_alive) {
        connection->stream.expires_never();
        keep_idle(key, std::move(connection));
      }
      break;
    }
    if (job->cancelled) job->ec = asio::error::operation_aborted;
    if (!job->ec && job->options.raise_error && job->response.status >= 400)
      job->ec = FetchErrc::http_status;
  }
};

Client::Client(asio::any_io_executor executor, ClientOptions options)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(options))) {}

Client::~Client() = default;

const ClientOptions& Client::options() const {
  return impl_->options;
}
std::size_t Client::active() const {
  return impl_->active;
}
std::size_t Client::queued() const {
  return impl_->waiting;
}

void Client::start(std::shared_ptr<Impl> impl, FetchRequest request, FetchOptions options,
                   Handler handler) {
  auto job = std::make_shared<Impl::Job>();
  job->started = Clock::now();
  job->deadline = job->started + options.timeout;
  job->ec = prepare(request, options, impl->options, job->target);
  job->response.url = job->target.url;
  job->options = std::move(options);

  // Cancellation crosses from the caller's executor (a handler's strand) to the client's. Boost
  // 1.81's co_spawn cancellation handler posts a raw pointer to its own signal to the coroutine's
  // executor, which is freed if the fetch completes first (a use-after-free, fixed in Asio 1.28.2
  // / Boost 1.83). So the caller's slot only forwards: it posts to `serial`, with the job kept
  // alive, and the fetch's own signal is emitted there, where the fetch completes too.
  auto slot = asio::get_associated_cancellation_slot(handler);
  if (slot.is_connected()) {
    slot.assign([impl, job](asio::cancellation_type type) {
      asio::post(impl->serial, [job, type] {
        if (job->done) return;
        job->cancelled = true;
        job->cancel.emit(type);
        if (auto connection = job->connection.lock()) connection->stream.cancel();
      });
    });
  }
  auto finish = [impl, job, slot, handler = std::move(handler)](std::exception_ptr error) mutable {
    job->done = true;
    if (error) {  // fetch() reports failures as codes; this is only out-of-memory and the like
      log_callback_exception("async_fetch", error);
      job->ec = asio::error::no_memory;
    }
    job->response.request_time = Clock::now() - job->started;
    auto executor = asio::get_associated_executor(handler, impl->serial);
    asio::dispatch(executor, [handler = std::move(handler), job, slot]() mutable {
      // On the caller's executor, where its slot is emitted: our forwarder is no longer wanted.
      if (slot.is_connected()) slot.clear();
      std::move(handler)(job->ec, std::move(job->response));
    });
  };
  if (job->ec) {  // an invalid URL fails without starting anything, but never inline
    return asio::post(impl->serial, [finish = std::move(finish)]() mutable { finish(nullptr); });
  }
  auto& self = *impl;
  asio::co_spawn(self.serial, self.fetch(job),
                 asio::bind_cancellation_slot(job->cancel.slot(), std::move(finish)));
}

FetchResponse fetch_blocking(FetchRequest request, FetchOptions options) {
  // One private loop and client per thread: its kept-alive connections serve the next call.
  struct ThreadClient {
    asio::io_context context;
    Client client{context.get_executor(), ClientOptions{.max_clients = 0, .single_threaded = true}};
  };
  thread_local ThreadClient local;

  std::optional<std::pair<error_code, FetchResponse>> outcome;
  local.client.async_fetch(
      std::move(request), std::move(options),
      [&](error_code ec, FetchResponse response) { outcome.emplace(ec, std::move(response)); });
  local.context.restart();
  local.context.run();
  auto& [ec, response] = *outcome;
  if (ec) std::rethrow_exception(exception_for(ec, std::move(response)));
  return std::move(response);
}

}  // namespace parity::http
