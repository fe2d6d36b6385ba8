#include "app/demo/endpoint.hpp"

#include "common/http/web/html.hpp"

#include <fmt/format.h>
#include <boost/beast/core/string.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace parity::demo {

namespace json = boost::json;

double monotonic_ms() {
  return std::chrono::duration<double, std::milli>(Clock::now().time_since_epoch()).count();
}

std::uint64_t sum_of_squares(std::int64_t n) {
  std::uint64_t sum = 0;
  for (std::uint64_t i = 0; i < static_cast<std::uint64_t>(n); ++i) {
    sum += i * i;
    asm volatile("" : "+r"(sum));  // an optimisation barrier: keep the loop a loop
  }
  return sum;
}

void Endpoint::initialize(const Context* context, std::string style) {
  context_ = context;
  style_ = std::move(style);
  upstream_ = UpstreamApi(*context);
  cmdb_ = CmdbSdk(*context);
}

int Endpoint::sleep_ms() const {
  return static_cast<int>(int_argument("ms", 100, 0, 10'000));
}
int Endpoint::chain_length() const {
  return static_cast<int>(int_argument("n", 3, 1, 10));
}
int Endpoint::parallel_width() const {
  return static_cast<int>(int_argument("n", 5, 1, 100));
}
std::int64_t Endpoint::compute_n() const {
  return int_argument("n", 10'000'000, 0, 1'000'000'000);
}
StreamArgs Endpoint::stream_args() const {
  return {static_cast<int>(int_argument("n", 5, 1, 100)),
          static_cast<int>(int_argument("ms", 100, 0, 10'000))};
}

std::optional<json::value> parse_cmdb_payload(std::string_view body) {
  boost::system::error_code ec;
  auto payload = http::parse_json(body, ec);
  bool empty = payload.is_null() || (payload.is_array() && payload.as_array().empty()) ||
               (payload.is_object() && payload.as_object().empty());
  if (ec || empty) return std::nullopt;
  return payload;
}

json::object parse_cmdb_query(std::string_view query) {
  json::object fields;
  for (const auto& [key, value] : http::parse_query(query)) fields[key] = value;
  return fields;
}

std::optional<json::value> Endpoint::cmdb_payload() {
  auto payload = parse_cmdb_payload(request().body());
  if (!payload) answer({{"message", "Invalid input data"}}, 400);
  return payload;
}

std::vector<http::UploadedFile> Endpoint::uploads() const {
  auto type = request()[http::field::content_type];
  constexpr std::string_view form = "application/x-www-form-urlencoded";
  if (type.size() < form.size() || !boost::beast::iequals(type.substr(0, form.size()), form))
    return files();
  auto directory = body_argument("directory");
  auto filename = body_argument("filename");
  auto body = body_argument("body");
  if (!directory || !filename || !body)
    throw http::HttpError(400,
                          "missing argument: a form upload gives directory, filename and body");
  return {{*directory, *filename, "application/octet-stream", *body}};
}

json::object Endpoint::cmdb_query() const {
  return parse_cmdb_query(query());
}

void Endpoint::answer(json::object fields, unsigned status) {
  fields["style"] = style_;
  fields["started_at"] = started_at_;
  fields["finished_at"] = monotonic_ms();
  set_status(status);
  finish(json::value(std::move(fields)));
}

void Endpoint::answer_fetch(const UpstreamAnswer& upstream) {
  double seconds = upstream.request_time.count();
  if (query_argument("format") == "json") {
    return answer({{"upstream_seconds", seconds}, {"upstream", upstream.body}});
  }
  finish(fmt::format(
      "<html><head><title>Time Cost</title></head>\n"
      "<body><h1>Time Cost: {:.3f} s</h1><p>style: {}</p><p>upstream: {}</p></body></html>\n",
      seconds, http::escape_html(style_), http::escape_html(upstream.url)));
}

namespace {

// What the upstream said about a request it refused: the "message" of its JSON body, or the
// start of its text.
std::string upstream_message(const UpstreamAnswer& answer) {
  if (auto* text = answer.body.if_string()) return std::string(*text).substr(0, 300);
  if (answer.body.is_object()) {
    if (auto* message = answer.body.as_object().if_contains("message");
        message && message->is_string())
      return std::string(message->as_string()).substr(0, 300);
  }
  return json::serialize(answer.body).substr(0, 300);
}

// The status to answer for an upstream's error status: its 400 (and 422) is the client's
// mistake, passed on as 400, a 413 too large a body; anything else is the upstream failing us.
unsigned status_for(unsigned upstream_status) {
  if (upstream_status == 400 || upstream_status == 422) return 400;
  if (upstream_status == 413) return 413;
  return 502;
}

// A thrown FetchError as what a callback receives: its code and the upstream's answer.
UpstreamAnswer answer_of(const http::FetchError& error) {
  UpstreamAnswer answer;
  if (error.response()) decode_answer(error.code(), *error.response(), answer);
  return answer;
}

}  // namespace

void Endpoint::answer_failure(std::string message, boost::system::error_code ec,
                              const UpstreamAnswer& reply) {
  if (ec == http::FetchErrc::http_status) {
    unsigned status = status_for(reply.status);
    std::string detail = status == 502 ? "the upstream answered HTTP " + std::to_string(reply.status)
                                       : upstream_message(reply);
    return answer({{"message", std::move(message)}, {"error", detail}}, status);
  }
  answer({{"message", std::move(message)}, {"error", ec.message()}},
         http::is_timeout(ec) ? 504 : 502);
}

void Endpoint::answer_upstream_error(boost::system::error_code ec, const UpstreamAnswer& reply) {
  answer_failure("upstream request failed", ec, reply);
}

void Endpoint::answer_upstream_error(const http::FetchError& error) {
  answer_upstream_error(error.code(), answer_of(error));
}

void Endpoint::answer_cmdb(const UpstreamAnswer& result) {
  std::string method(request().method_string());
  const json::value* data =
      result.body.is_object() ? result.body.as_object().if_contains("data") : nullptr;
  answer({{"message", method + " request successful"}, {"data", data ? *data : result.body}});
}

void Endpoint::answer_cmdb_error(boost::system::error_code ec, const UpstreamAnswer& reply) {
  answer_failure(std::string(request().method_string()) + " request failed", ec, reply);
}

void Endpoint::answer_cmdb_error(const http::FetchError& error) {
  answer_cmdb_error(error.code(), answer_of(error));
}

void Endpoint::answer_upload(const UploadOutcome& outcome) {
  answer({{"code", outcome.status}, {"reason", outcome.reason}}, outcome.status);
}

std::string Endpoint::stream_line(int line) {
  // Fixed-point milliseconds: boost::json would print 5713131.676 as 5.713131676E6.
  return fmt::format("{{\"line\":{},\"at\":{:.3f}}}\n", line, monotonic_ms());
}

}  // namespace parity::demo
