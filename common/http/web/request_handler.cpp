#include "common/http/web/request_handler.hpp"

#include "common/http/server/access_log.hpp"
#include "common/http/web/application.hpp"
#include "common/http/wire/header_bytes.hpp"
#include "common/http/wire/server_timing.hpp"
#include "common/log/log.hpp"

#include <fmt/format.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace parity::http {
namespace {

const char* const kHtml = "text/html; charset=UTF-8";
const char* const kJson = "application/json; charset=UTF-8";

}  // namespace

void RequestHandler::write_error(unsigned status, std::string_view reason) {
  set_header(field::content_type, kJson);
  write(error_body(status, reason));
}

// ---- Lifecycle --------------------------------------------------------------------------------

RequestHandler::~RequestHandler() {
  if (!writer_ || finished_ || connection_closed_) return;
  // Let go of unfinished: the connection answers 500, later and on its strand (no I/O here, and
  // write_error() cannot run: the derived class is gone).
  writer_->abandoned(exchange_, {describe(), headers_sent_, request_.version(),
                                 std::string(request_.method_string()),
                                 std::string(request_.target()), start_time_});
}

void RequestHandler::execute(std::shared_ptr<ResponseWriter> writer, std::uint64_t exchange,
                             Request request, PathArgs path_args, const Route& route,
                             const Application& application, Clock::time_point start_time) {
  meter_.self = std::shared_ptr<watch::WorkMeter>(shared_from_this(), &meter_);
  executor_.emplace(writer->get_executor(), meter_.self);
  writer_ = std::move(writer);
  exchange_ = exchange;
  application_ = &application;
  route_ = &route;
  request_ = std::move(request);
  std::string_view target = request_.target();
  auto question = target.find('?');
  path_ = target.substr(0, question);
  // Never a null view when empty: Boost.URL's parse_query reads a null one as a C string.
  query_ = target.substr(question == std::string_view::npos ? target.size() : question + 1);
  query_arguments_ = parse_query(query_);
  start_time_ = start_time;
  if (!path_args.positional.empty()) path_args_ = std::make_unique<PathArgs>(std::move(path_args));
  label_ = {request_.method_string(), request_.target(), route.pattern, route.handler_name};

  watch::MeterScope piece(&meter_);  // the method's first piece: the whole of it, for sync's
  try {
    run_method();
  } catch (...) {
    handle_exception(std::current_exception());
  }
}

// Tornado's _execute: prepare, the method, then finish unless the handler is asynchronous.
void RequestHandler::run_method() {
  set_default_headers();
  const auto& allowed = route_->methods;
  if (std::find(allowed.begin(), allowed.end(), method()) == allowed.end()) {
    std::string allow;
    for (verb v : allowed) allow += (allow.empty() ? "" : ", ") + std::string(bhttp::to_string(v));
    set_header(field::allow, allow);
    throw HttpError(405,
                    std::string(request_.method_string()) + " is not allowed here; use " + allow);
  }
  prepare();
  if (finished_) return;
  in_plain_method_ = !route_->asynchronous;
  std::optional<asio::awaitable<void>> coroutine;
  try {
    coroutine = route_->call_method(*this, method());
  } catch (...) {
    in_plain_method_ = false;
    throw;
  }
  in_plain_method_ = false;
  if (coroutine) return start_coroutine(std::move(*coroutine));
  if (route_->asynchronous || finished_) return;
  if (made_async_callback_) {
    return refuse(fmt::format(
        "{} made an async_callback() but is not declared asynchronous, so it would be finished, "
        "empty, before its callback ran. Declare it: static constexpr bool asynchronous = true;",
        route_->handler_name));
  }
  finish();
}

void RequestHandler::note_async_callback() {
  if (in_plain_method_) made_async_callback_ = true;
}

void RequestHandler::refuse(std::string_view mistake) {
  if (finished_ || connection_closed_) {  // the answer went (or has nowhere to go) already
    log::error("http", "{}: {} The response had already been sent.", describe(), mistake);
    return;
  }
  log::error("http", "{}: {} Answered 500.", describe(), mistake);
  refused_ = true;
  send_error(500);
}

// The members that change the response run on the strand only: from another thread they would
// race with the session. A call from elsewhere is a mistake that would pass by luck most of the
// time, so it is made to show every time.
bool RequestHandler::on_own_strand(std::string_view member) {
  if (!executor_ || executor_->running_in_this_thread()) return true;
  if (called_from_foreign_thread_.exchange(true)) return false;  // one log line and one 500
  auto mistake = fmt::format(
      "{}() was called outside the handler's strand, from another thread or from a callback not "
      "wrapped in async_callback(...), and was refused. Call it on get_executor(): wrap the "
      "callback in async_callback(...), or have the operation complete there "
      "(use_future(get_executor()), co_await).",
      member);
  // The last owner may be letting go on another thread right now: no shared_from_this() here.
  if (auto self = weak_from_this().lock()) {
    asio::post(*executor_,
               [self = std::move(self), mistake = std::move(mistake)] { self->refuse(mistake); });
  } else {
    log::error("http", "{}: {}", describe(), mistake);
  }
  return false;
}

// The coroutine runs on this handler's strand, so the close signal, emitted on the same strand,
// reaches it without crossing strands (Boost 1.81's co_spawn cancellation is only safe so).
void RequestHandler::start_coroutine(asio::awaitable<void> body) {
  asio::co_spawn(get_executor(), std::move(body),
                 cancel_on_close([self = shared_from_this()](std::exception_ptr error) {
                   if (error) return self->handle_exception(error);
                   if (!self->finished_ && !self->connection_closed_) self->finish();
                 }));
}

void RequestHandler::handle_exception(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const HttpError& e) {
    if (!finished_) send_error(e.status(), e.reason());
  } catch (const std::exception& e) {
    if (connection_closed_) return;  // what a cancelled operation throws when the client left
    log::error("http", "uncaught exception in {}: {}", describe(), e.what());
    if (!finished_) send_error(500);
  } catch (...) {
    if (connection_closed_) return;
    log::error("http", "uncaught exception in {}: not a std::exception", describe());
    if (!finished_) send_error(500);
  }
}

std::string RequestHandler::describe() const {
  std::string route = route_ && !route_->handler_name.empty()
                          ? fmt::format(" (route {}, {})", route_->pattern, route_->handler_name)
                          : std::string();
  // Beast's string_view is Boost's own, which fmt 10 no longer formats by its conversion to the
  // std one: that conversion is made here.
  return fmt::format("{} {}{}", std::string_view(request_.method_string()),
                     std::string_view(request_.target()), route);
}

void RequestHandler::connection_lost() {
  connection_closed_ = true;
  close_signal_.emit(asio::cancellation_type::terminal);
  try {
    on_connection_close();
  } catch (const std::exception& e) {
    log::error("http", "exception in on_connection_close: {}", e.what());
  }
}

Timing RequestHandler::timing() const {
  auto now = Clock::now();
  Timing t{meter_.loop_time(now), {}, meter_.pool_time(), now - start_time_};
  // Pool work can start, even end, before the loop's piece that handed it over has ended: that
  // overlap is counted once, on whichever part held the request longer, so that the parts add
  // up to the total and each keeps the time it is there to show (a loop's piece that waited for
  // the pool keeps its wait; a pool's work keeps the moments a busy loop took to let go).
  t.loop = std::min(t.loop, t.total);
  t.pool = std::min(t.pool, t.total);
  if (t.loop + t.pool > t.total) {
    if (t.pool >= t.loop)
      t.loop = t.total - t.pool;
    else
      t.pool = t.total - t.loop;
  }
  t.wait = t.total - t.loop - t.pool;
  return t;
}

double RequestHandler::request_time() const {
  return std::chrono::duration<double>(Clock::now() - start_time_).count();
}

// ---- Arguments --------------------------------------------------------------------------------

const std::string& RequestHandler::path_arg(std::string_view name) const {
  if (path_args_) {
    auto it = path_args_->named.find(name);
    if (it != path_args_->named.end()) return it->second;
  }
  throw std::out_of_range("the route has no group named '" + std::string(name) + "'");
}

const std::vector<std::string>& RequestHandler::path_args() const {
  static const std::vector<std::string> none;
  return path_args_ ? path_args_->positional : none;
}

std::optional<std::string> RequestHandler::query_argument(std::string_view name) const {
  return last_value(query_arguments_, name);
}

void RequestHandler::parse_body_arguments() const {
  if (body_) return;
  body_ = std::make_unique<ParsedBody>();
  std::string_view content_type = request_[field::content_type];
  auto semi = content_type.find(';');
  if (beast::iequals(content_type.substr(0, semi), "application/x-www-form-urlencoded")) {
    body_->arguments = parse_query(request_.body());
  } else if (auto boundary = multipart_boundary(content_type); !boundary.empty()) {
    try {
      auto form = parse_multipart(request_.body(), boundary);
      body_->arguments = std::move(form.fields);
      body_->files = std::move(form.files);
    } catch (const std::invalid_argument& e) {
      throw HttpError(400, e.what());
    }
  }
}

std::optional<std::string> RequestHandler::body_argument(std::string_view name) const {
  parse_body_arguments();
  return last_value(body_->arguments, name);
}

std::optional<std::string> RequestHandler::argument(std::string_view name) const {
  if (auto value = query_argument(name)) return value;
  return body_argument(name);
}

std::vector<std::string> RequestHandler::arguments(std::string_view name) const {
  parse_body_arguments();
  auto values = all_values(query_arguments_, name);
  auto more = all_values(body_->arguments, name);
  values.insert(values.end(), more.begin(), more.end());
  return values;
}

long long RequestHandler::int_argument(std::string_view name, long long fallback, long long min,
                                       long long max) const {
  auto text = argument(name);
  if (!text) return fallback;
  long long value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    throw HttpError(400,
                    fmt::format("argument '{}' must be an integer from {} to {}", name, min, max));
  }
  return value;
}

namespace {

bool all_numbers_finite(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::double_:
      return std::isfinite(value.get_double());
    case boost::json::kind::array:
      for (const auto& item : value.get_array())
        if (!all_numbers_finite(item)) return false;
      return true;
    case boost::json::kind::object:
      for (const auto& item : value.get_object())
        if (!all_numbers_finite(item.value())) return false;
      return true;
    default:
      return true;
  }
}

}  // namespace

boost::json::value parse_json(std::string_view body, boost::system::error_code& ec) {
  auto value = boost::json::parse(body, ec);
  if (!ec && !all_numbers_finite(value)) {
    ec = boost::json::error::exponent_overflow;
    return nullptr;
  }
  return value;
}

const boost::json::value& RequestHandler::json_body() const {
  if (!json_) {
    boost::system::error_code ec;
    auto value = parse_json(request_.body(), ec);
    if (ec) throw HttpError(400, "the body is not valid JSON: " + ec.message());
    json_ = std::make_unique<boost::json::value>(std::move(value));
  }
  return *json_;
}

const std::vector<UploadedFile>& RequestHandler::files() const {
  parse_body_arguments();
  return body_->files;
}

std::string RequestHandler::local_url() const {
  return writer_->local_url();
}

std::string RequestHandler::reverse_url(std::string_view name,
                                        const std::vector<std::string>& args) const {
  return application_->reverse_url(name, args);
}

// ---- Response ---------------------------------------------------------------------------------

Response& RequestHandler::response() {
  if (!response_) {
    response_ = std::make_unique<Response>(static_cast<status>(status_), request_.version());
    set_headers(*response_, writer_->default_headers());
  }
  return *response_;
}

void RequestHandler::set_status(unsigned code) {
  if (code < 100 || code > 599)
    throw std::logic_error("set_status: " + std::to_string(code) + " is no HTTP status");
  status_ = code;
  if (response_) response_->result(code);
}

void RequestHandler::write(std::string_view chunk) {
  if (!on_own_strand("write")) return;
  if (finished_) throw std::logic_error("write() after finish()");
  if (!response().count(field::content_type)) response().set(field::content_type, kHtml);
  response().body().append(chunk);
}

void RequestHandler::write(const boost::json::value& document) {
  if (!on_own_strand("write")) return;
  if (!response().count(field::content_type)) response().set(field::content_type, kJson);
  write(boost::json::serialize(document));
}

void RequestHandler::finish(std::string_view chunk) {
  if (!on_own_strand("finish")) return;
  write(chunk);
  finish();
}

void RequestHandler::finish(const boost::json::value& document) {
  if (!on_own_strand("finish")) return;
  write(document);
  finish();
}

std::string RequestHandler::take_body_bytes() {
  std::string body = std::exchange(response().body(), {});
  if (!chunked_ || body.empty()) return body;
  return fmt::format("{:x}\r\n{}\r\n", body.size(), body);
}

void RequestHandler::finish() {
  if (!on_own_strand("finish")) return;
  if (finished_) throw std::logic_error("finish() called twice");
  finished_ = true;
  if (headers_sent_) {
    std::string tail = take_body_bytes();
    if (chunked_) tail += "0\r\n\r\n";
    writer_->send_bytes(exchange_, std::move(tail), /*last=*/true, {});
  } else if (method() == verb::head) {
    response().content_length(response().body().size());
    response().body().clear();
  } else {
    response().prepare_payload();
  }
  Timing spent = timing();
  if (watch::tracing.load(std::memory_order_relaxed)) watch::trace_request(label_, start_time_);
  if (!headers_sent_) writer_->send_response(exchange_, std::move(response()), &spent);
  if (writer_->access_log_enabled()) {
    log_access(get_status(), request_.method_string(), request_.target(), peer(), spent.total,
               &spent);
  }
  try {
    on_finish();
  } catch (const std::exception& e) {
    log::error("http", "exception in on_finish: {}", e.what());
  }
}

void RequestHandler::redirect(std::string_view url, bool permanent, unsigned status) {
  if (!on_own_strand("redirect")) return;
  if (headers_sent_) throw std::logic_error("redirect() after the response started streaming");
  if (status == 0) status = permanent ? 301 : 302;
  if (status < 300 || status > 399)
    throw std::invalid_argument("redirect: " + std::to_string(status) + " is no 3xx status");
  // A CR or LF would let the url write headers of its own (response splitting).
  if (url.find_first_of("\r\n") != std::string_view::npos || url.size() > 8 * 1024)
    throw std::invalid_argument("redirect: the url has a line break or is over 8 KiB");
  set_status(status);
  set_header(field::location, url);
  response().body().clear();
  finish();
}

void RequestHandler::send_error(unsigned code, std::string_view reason) {
  if (!on_own_strand("send_error")) return;
  if (finished_) return;
  if (headers_sent_) {
    log::error("http", "error {} after the response started streaming: closing the connection",
               code);
    finished_ = true;
    return abort_connection();
  }
  response().body().clear();
  response().erase(field::content_type);
  set_status(code);
  try {
    write_error(code, reason);
  } catch (const std::exception& e) {
    log::error("http", "exception in write_error: {}", e.what());
  }
  if (!finished_) finish();
}

void RequestHandler::start_flush(FlushHandler done) {
  if (!on_own_strand("async_flush")) {
    return complete_later(std::move(done), asio::error::operation_not_supported,
                          executor_->unmetered());
  }
  if (finished_) {
    return complete_later(std::move(done), asio::error::operation_not_supported,
                          executor_->unmetered());
  }
  std::string bytes;
  if (!headers_sent_) {
    headers_sent_ = true;
    if (!response().count(field::content_type)) response().set(field::content_type, kHtml);
    response().keep_alive(request_.keep_alive());
    if (response().has_content_length()) {
      chunked_ = false;  // the handler declared the length: the body goes out as it is
    } else if (request_.version() >= 11) {
      chunked_ = true;
      response().chunked(true);
    } else {
      chunked_ = false;  // HTTP/1.0 has no chunks: the end of the body is the end of the connection
      response().keep_alive(false);
      writer_->close_after_response();
    }
    const Timing so_far = timing();  // a streamed response's: the time to its first byte
    bytes = header_bytes(response().base(), &so_far);
  }
  bytes += take_body_bytes();
  writer_->send_bytes(exchange_, std::move(bytes), /*last=*/false, std::move(done));
}

void RequestHandler::abort_connection() {
  if (!on_own_strand("abort_connection")) return;
  finished_ = true;
  writer_->abort(exchange_);
}

}  // namespace parity::http
