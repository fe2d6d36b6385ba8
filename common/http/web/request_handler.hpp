#pragma once
// One request and its response, with the lifecycle Tornado users know. The server makes a new
// handler object per request and calls, on the connection's strand:
//
//   set_default_headers() -> prepare() -> get()/post()/... -> on_finish()
//
// A handler class defines the methods it answers (get, head, post, put, patch, delete_,
// options), found by name when the route is added (Application::add). As in Tornado's _execute:
//
//   void get()                    the request is finished when get() returns, unless the class
//                                 is asynchronous (below) or get() finished it already;
//   asio::awaitable<void> get()   a coroutine, started on the handler's strand and cancelled if
//                                 the client goes away; the request is finished when it returns.
//
// An asynchronous class (`static constexpr bool asynchronous = true;`, Tornado 5's
// @asynchronous) finishes the request itself, later, from a callback or a Future's done
// callback. Such callbacks are wrapped in async_callback(): it runs them on the handler's strand,
// keeps the handler alive until they have run, and sends what they throw where a method's
// exception goes. A handler let go of before finish() (its last callback forgot to call it)
// answers 500 at once and logs which handler it was.
//
// The one path for exceptions, from prepare(), a method, a coroutine or an async_callback: an
// HttpError becomes send_error(status, reason); anything else a 500 and one log line naming the
// method, the route and the handler. write_error() shapes error bodies. on_connection_close()
// tells that the client went away before the response was finished, and close_slot() carries the
// same news as an Asio cancellation, so a pending upstream call can be cancelled with it.
//
// Every member is to be called on the handler's executor (get_executor()), the connection's
// strand. Code that runs elsewhere (a thread pool) hands its result back through an operation
// that completes on that executor (run_in_executor, async_callback, use_future, use_awaitable).
// finish(), write(), send_error(), redirect(), async_flush() and abort_connection() check it:
// called outside the strand they are refused, the request is answered 500 on the strand, and one
// log line names the class and the rule. (A race that would corrupt the response, or pass by
// luck, becomes a mistake that always shows.) set_status() and set_header() are not checked;
// what they change is sent only by the members that are.
//
// A class that is not asynchronous but makes an async_callback() in a plain method would be
// finished, empty, as the method returns, before its callback runs: it is answered 500 instead,
// with a log line that says to declare `asynchronous` (also when the callback would only have
// had a side effect: such a callback belongs to an asynchronous class, or to a coroutine).

#include "common/http/server/response_writer.hpp"
#include "common/http/server/server_delegate.hpp"
#include "common/http/web/http_error.hpp"
#include "common/http/wire/arguments.hpp"
#include "common/http/wire/multipart.hpp"
#include "common/http/wire/types.hpp"
#include "common/loop/loop.hpp"
#include "common/loop/work_meter.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json/value.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parity::http {

// A body as JSON, as json_body() reads it: Boost.JSON's parse, less a number too large for a
// double (Boost 1.81 reads 1e309 as infinity, then writes it as `Infinity`, which is no JSON: an
// accepted body echoed or passed on came out unreadable). Sets `ec` when the body is refused.
boost::json::value parse_json(std::string_view body, boost::system::error_code& ec);

class Application;
struct Route;

class RequestHandler : public ActiveRequest, public std::enable_shared_from_this<RequestHandler> {
 public:
  // The connection's strand, each piece of this request's work on it clocked (Server-Timing) and
  // named for the blocking log.
  using executor_type = watch::MeteredExecutor<ResponseWriter::executor_type>;
  static_assert(sizeof(executor_type) <= 3 * sizeof(void*),
                "any_io_executor holds it without allocating: see work_meter.hpp");
  using FlushHandler = ResponseWriter::FlushHandler;

  // A class that finishes its requests itself, later, says so by hiding this with `true`.
  static constexpr bool asynchronous = false;

  RequestHandler() = default;
  virtual ~RequestHandler();
  RequestHandler(const RequestHandler&) = delete;
  RequestHandler& operator=(const RequestHandler&) = delete;

  // ---- Lifecycle, overridden by handlers ------------------------------------------------------
  // (The methods themselves, get() and the rest, are not virtual: see the top of this file. A
  // method a class does not define answers 405 with an Allow header.)
  virtual void set_default_headers() {}
  virtual void prepare() {}
  virtual void on_finish() {}
  virtual void on_connection_close() {}
  // Writes the error body; the default is error_body(status, reason) as JSON.
  virtual void write_error(unsigned status, std::string_view reason);

  // ---- The request ----------------------------------------------------------------------------
  const Request& request() const final { return request_; }
  verb method() const { return request_.method(); }
  std::string_view path() const { return path_; }
  std::string_view query() const { return query_; }
  // The client's address, as Tornado's request.remote_ip.
  std::string_view peer() const { return writer_ ? writer_->peer() : std::string_view(); }
  // Where the client connected, as a URL (http://127.0.0.1:8000): for a handler that calls its
  // own server, as the classroom page's race does.
  std::string local_url() const;
  Clock::time_point start_time() const { return start_time_; }
  // Where this request's time went so far (types.hpp), as its Server-Timing header says.
  Timing timing() const;
  // Seconds since the request was read, as Tornado's request.request_time().
  double request_time() const;

  // A group the route captured, by name or position. Throws std::out_of_range if there is none.
  const std::string& path_arg(std::string_view name) const;
  const std::vector<std::string>& path_args() const;

  std::optional<std::string> query_argument(std::string_view name) const;
  // From an application/x-www-form-urlencoded or multipart/form-data body.
  std::optional<std::string> body_argument(std::string_view name) const;
  // The query, then the body, as Tornado's get_argument.
  std::optional<std::string> argument(std::string_view name) const;
  std::vector<std::string> arguments(std::string_view name) const;
  // An integer argument within [min, max], `fallback` when absent; HttpError 400 otherwise.
  long long int_argument(std::string_view name, long long fallback, long long min,
                         long long max) const;

  // The body parsed as JSON. Throws HttpError 400 if it is not JSON.
  const boost::json::value& json_body() const;
  // The uploaded files of a multipart/form-data body. Throws HttpError 400 if malformed.
  const std::vector<UploadedFile>& files() const;

  // ---- The response ---------------------------------------------------------------------------
  void set_status(unsigned status);
  unsigned get_status() const { return status_; }
  void set_header(field name, std::string_view value) { response().set(name, value); }
  void set_header(std::string_view name, std::string_view value) { response().set(name, value); }
  void clear_header(field name) { response().erase(name); }

  // Appends to the response body (text/html unless a Content-Type is set, as Tornado does).
  void write(std::string_view chunk);
  // Appends a JSON document and sets Content-Type: application/json.
  void write(const boost::json::value& document);
  void write(const char* chunk) { write(std::string_view(chunk)); }  // text, not a JSON string
  // Sends the response. A second call is a logic error and throws std::logic_error.
  void finish();
  void finish(std::string_view chunk);
  void finish(const boost::json::value& document);
  void finish(const char* chunk) { finish(std::string_view(chunk)); }
  // Answers 302 (301 if permanent, or `status`, a 3xx) with Location: url, as Tornado's
  // redirect(). A url with a CR or LF, or longer than 8 KiB, throws std::invalid_argument.
  void redirect(std::string_view url, bool permanent = false, unsigned status = 0);
  // Drops what was written so far, sets `status` and answers with write_error().
  void send_error(unsigned status, std::string_view reason = {});
  bool finished() const final { return finished_; }

  // Sends what was written so far and keeps the response open (chunked encoding in HTTP/1.1, or
  // the body of a declared Content-Length). Completes when those bytes are written, with an
  // error if the connection is gone. Any completion token: a lambda, use_future, use_awaitable.
  template <class CompletionToken>
  auto async_flush(CompletionToken&& token) {
    // The initiation holds the handler alive until the flush completes.
    return asio::async_initiate<CompletionToken, void(boost::system::error_code)>(
        [self = shared_from_this()](auto handler) {
          self->start_flush(FlushHandler(std::move(handler)));
        },
        token);
  }

  // Closes the connection at once, whatever was sent. For the upstream simulator's /drop.
  void abort_connection();

  // ---- Asynchronous context -------------------------------------------------------------------
  executor_type get_executor() const { return *executor_; }
  // Emitted (cancellation_type::terminal) when the client goes away before finish().
  asio::cancellation_slot close_slot() { return close_signal_.slot(); }

  // `callback` as a completion handler, as Tornado's RequestHandler.async_callback: it runs on
  // this handler's strand whatever thread completes the operation, the handler stays alive until
  // it has run, and an exception it throws answers as a method's would (HttpError: its status).
  template <class Callback>
  auto async_callback(Callback callback) {
    note_async_callback();
    return asio::bind_executor(
        get_executor(),
        [self = shared_from_this(), callback = std::move(callback)](auto&&... args) mutable {
          if (self->refused_) return;  // answered 500 already, for a mistake that was logged
          try {
            callback(std::forward<decltype(args)>(args)...);
          } catch (...) {
            self->handle_exception(std::current_exception());
          }
        });
  }
  // `token` whose operation is cancelled (operation_aborted) if the client goes away first. One
  // operation at a time may be bound to the close slot.
  template <class CompletionToken>
  auto cancel_on_close(CompletionToken&& token) {
    return asio::bind_cancellation_slot(close_slot(), std::forward<CompletionToken>(token));
  }
  bool connection_closed() const { return connection_closed_; }
  const Application& application() const { return *application_; }
  std::string reverse_url(std::string_view name, const std::vector<std::string>& args = {}) const;

  // ---- Called by the core, not by handlers ---------------------------------------------------
  // Hands over the request and runs the lifecycle (Application::start_request). The response
  // goes to `writer`, the connection the request came on.
  void execute(std::shared_ptr<ResponseWriter> writer, std::uint64_t exchange, Request request,
               PathArgs path_args, const Route& route, const Application& application,
               Clock::time_point start_time);
  // The client went away before the response was finished (the session says so):
  // on_connection_close() and the close_slot()'s cancellation.
  void connection_lost() final;

 private:
  void run_method();
  void start_coroutine(asio::awaitable<void> body);
  // The one place an exception from prepare(), a method, a coroutine or a callback is answered.
  void handle_exception(std::exception_ptr error);
  // Names the request, its route and its handler, for log lines.
  std::string describe() const;
  // True on the handler's strand. Elsewhere: logs that `member` was called from a foreign thread,
  // answers 500 on the strand and returns false.
  bool on_own_strand(std::string_view member);
  void note_async_callback();
  // On the strand: logs `mistake` with the request and its class, and answers 500.
  void refuse(std::string_view mistake);

  void start_flush(FlushHandler done);
  void parse_body_arguments() const;
  std::string take_body_bytes();

  std::shared_ptr<ResponseWriter> writer_;
  std::uint64_t exchange_ = 0;
  std::optional<executor_type> executor_;  // set when the connection hands the request over
  const Application* application_ = nullptr;

  Request request_;
  // Views of request_'s target, which stays put: a waiting request holds one copy of it.
  std::string_view path_;
  std::string_view query_;
  Clock::time_point start_time_;
  std::unique_ptr<PathArgs> path_args_;  // null when the route captured nothing, as most do
  const Route* route_ = nullptr;
  ArgumentList query_arguments_;
  // Parsed on first use, on the heap: most requests have no body, and every waiting request
  // would carry the room for one.
  struct ParsedBody {
    ArgumentList arguments;
    std::vector<UploadedFile> files;
  };
  mutable std::unique_ptr<ParsedBody> body_;
  mutable std::unique_ptr<boost::json::value> json_;

  // The response, made on first use (a header set or cleared, a write, the finish) with the
  // application's default headers first, rather than as the request starts: a request that
  // waits holds none of it (a field is an allocation of its own).
  Response& response();
  std::unique_ptr<Response> response_;
  unsigned status_ = 200;
  bool finished_ = false;
  bool headers_sent_ = false;  // streaming: the header went out with the first flush
  bool chunked_ = false;
  bool connection_closed_ = false;
  bool in_plain_method_ = false;      // inside a void method of a class that is not asynchronous
  bool made_async_callback_ = false;  // ... which made an async_callback()
  bool refused_ = false;  // answered 500 for a misuse of the contract; its callbacks do not run
  std::atomic<bool> called_from_foreign_thread_{false};  // logged once, from whichever thread
  asio::cancellation_signal close_signal_;
  watch::Label label_;  // "GET /sync/fetch", its route and class: the blocking log's words
  watch::WorkMeter meter_{label_};
};

}  // namespace parity::http
