#include "common/demo/endpoint.hpp"

#include <fmt/format.h>
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

std::optional<json::value> Endpoint::cmdb_payload() {
  boost::system::error_code ec;
  auto payload = json::parse(request().body(), ec);
  bool empty = payload.is_null() || (payload.is_array() && payload.as_array().empty()) ||
               (payload.is_object() && payload.as_object().empty());
  if (ec || empty) {
    answer({{"message", "Invalid input data"}}, 400);
    return std::nullopt;
  }
  return payload;
}

json::object Endpoint::cmdb_query() const {
  json::object fields;
  for (const auto& [key, value] : http::parse_query(query())) fields[key] = value;
  return fields;
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
      seconds, style_, upstream.url));
}

void Endpoint::answer_upstream_error(boost::system::error_code ec) {
  answer({{"message", "upstream request failed"}, {"error", ec.message()}},
         http::is_timeout(ec) ? 504 : 502);
}

void Endpoint::answer_cmdb(const UpstreamAnswer& result) {
  std::string method(request().method_string());
  const json::value* data =
      result.body.is_object() ? result.body.as_object().if_contains("data") : nullptr;
  answer({{"message", method + " request successful"}, {"data", data ? *data : result.body}});
}

void Endpoint::answer_cmdb_error(boost::system::error_code ec) {
  std::string method(request().method_string());
  answer({{"message", method + " request failed"}, {"error", ec.message()}},
         http::is_timeout(ec) ? 504 : 502);
}

void Endpoint::answer_upload(const UploadOutcome& outcome) {
  answer({{"code", outcome.status}, {"reason", outcome.reason}}, outcome.status);
}

std::string Endpoint::stream_line(int line) {
  return json::serialize(json::object{{"line", line}, {"at", monotonic_ms()}}) + "\n";
}

}  // namespace parity::demo
