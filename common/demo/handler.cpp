#include "common/demo/handler.hpp"

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

int Handler::sleep_ms() const {
  return static_cast<int>(int_argument("ms", 100, 0, 10'000));
}
int Handler::chain_length() const {
  return static_cast<int>(int_argument("n", 3, 1, 10));
}
int Handler::parallel_width() const {
  return static_cast<int>(int_argument("n", 5, 1, 100));
}
std::int64_t Handler::compute_n() const {
  return int_argument("n", 10'000'000, 0, 1'000'000'000);
}
StreamArgs Handler::stream_args() const {
  return {static_cast<int>(int_argument("n", 5, 1, 100)),
          static_cast<int>(int_argument("ms", 100, 0, 10'000))};
}

std::optional<json::value> Handler::cmdb_payload() {
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

json::object Handler::cmdb_query() const {
  json::object fields;
  for (const auto& [key, value] : http::parse_query(query())) fields[key] = value;
  return fields;
}

void Handler::answer(json::object fields, unsigned status) {
  fields["style"] = style_;
  fields["started_at"] = started_at_;
  fields["finished_at"] = monotonic_ms();
  set_status(status);
  finish(json::value(std::move(fields)));
}

void Handler::answer_fetch(const UpstreamAnswer& upstream) {
  double seconds = upstream.request_time.count();
  if (query_argument("format") == "json") {
    return answer({{"upstream_seconds", seconds}, {"upstream", upstream.body}});
  }
  finish(fmt::format(
      "<html><head><title>Time Cost</title></head>\n"
      "<body><h1>Time Cost: {:.3f} s</h1><p>style: {}</p><p>upstream: {}</p></body></html>\n",
      seconds, style_, upstream.url));
}

void Handler::answer_upstream_error(boost::system::error_code ec) {
  answer({{"message", "upstream request failed"}, {"error", ec.message()}},
         http::is_timeout(ec) ? 504 : 502);
}

void Handler::answer_upstream_error(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const boost::system::system_error& e) {
    answer_upstream_error(e.code());
  } catch (const std::exception& e) {
    answer({{"message", "internal error"}, {"error", e.what()}}, 500);
  }
}

void Handler::answer_cmdb(boost::system::error_code ec, const UpstreamAnswer& result) {
  std::string method(request().method_string());
  if (ec) {
    return answer({{"message", method + " request failed"}, {"error", ec.message()}},
                  http::is_timeout(ec) ? 504 : 502);
  }
  const json::value* data =
      result.body.is_object() ? result.body.as_object().if_contains("data") : nullptr;
  answer({{"message", method + " request successful"}, {"data", data ? *data : result.body}});
}

void Handler::answer_cmdb(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const boost::system::system_error& e) {
    answer_cmdb(e.code(), {});
  } catch (const std::exception& e) {
    answer({{"message", "internal error"}, {"error", e.what()}}, 500);
  }
}

void Handler::answer_upload(const UploadOutcome& outcome) {
  answer({{"code", outcome.status}, {"reason", outcome.reason}}, outcome.status);
}

std::string Handler::stream_line(int line) {
  return json::serialize(json::object{{"line", line}, {"at", monotonic_ms()}}) + "\n";
}

}  // namespace parity::demo
