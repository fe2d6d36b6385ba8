#include "app/demo/upstream_api.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace parity::demo {

namespace json = boost::json;

boost::system::error_code decode_answer(boost::system::error_code ec,
                                        const http::FetchResponse& response,
                                        UpstreamAnswer& answer) {
  answer.status = response.status;
  answer.request_time = response.request_time;
  answer.url = response.url;
  if (ec && ec != http::FetchErrc::http_status) return ec;
  boost::system::error_code parse_ec;
  answer.body = json::parse(response.body, parse_ec);
  if (!parse_ec) return ec;
  answer.body = response.body;  // not JSON (an error page, say): its text is what it said
  return ec ? ec : http::FetchErrc::invalid_json;
}

std::exception_ptr exception_for(boost::system::error_code ec, UpstreamAnswer answer) {
  http::FetchResponse response;
  response.status = answer.status;
  response.url = std::move(answer.url);
  response.request_time = answer.request_time;
  if (auto* text = answer.body.if_string())
    response.body = *text;
  else if (!answer.body.is_null())
    response.body = json::serialize(answer.body);
  return http::exception_for(ec, std::move(response));
}

UpstreamAnswer json_call_blocking(UpstreamCall call) {
  boost::system::error_code ec;
  http::FetchResponse response;
  try {
    response = http::fetch_blocking(std::move(call.request), std::move(call.options));
  } catch (const http::FetchError& e) {
    if (!e.response()) throw;
    ec = e.code();
    response = *e.response();
  }
  UpstreamAnswer answer;
  ec = decode_answer(ec, response, answer);
  if (ec) std::rethrow_exception(http::exception_for(ec, std::move(response)));
  return answer;
}

UpstreamCall UpstreamApi::delay_call(http::ArgumentList params) const {
  UpstreamCall call;
  call.request = {"GET", context_->upstream_url + "/delay"};
  call.options.params = std::move(params);
  call.options.timeout = context_->upstream_timeout;
  return call;
}

http::ArgumentList UpstreamApi::chain_params(int step, const UpstreamAnswer* previous) {
  http::ArgumentList params{{"step", std::to_string(step)}};
  if (previous)
    params.emplace_back("previous", std::string(previous->body.at("args").at("step").as_string()));
  return params;
}

http::ArgumentList UpstreamApi::parallel_params(int index) {
  return {{"index", std::to_string(index)}};
}

json::value UpstreamApi::echoed(const UpstreamAnswer& answer) {
  return answer.body.at("args");
}

// Seed 000's BaseSDK sends its org and user headers with every call, and JSON bodies.
namespace {
http::ArgumentList sdk_headers() {
  return {{"org", "777777"}, {"user", "defaultUser"}};
}
}  // namespace

UpstreamCall CmdbSdk::search_call(const std::string& object_id, json::object query) const {
  UpstreamCall call;
  call.request = {"POST", context_->upstream_url + "/object/" + object_id + "/instance/_search"};
  call.options.json = json::object{{"query", std::move(query)}};
  call.options.headers = sdk_headers();
  call.options.timeout = context_->upstream_timeout;
  return call;
}

UpstreamCall CmdbSdk::import_call(const std::string& object_id, json::value payload) const {
  UpstreamCall call;
  call.request = {"POST", context_->upstream_url + "/object/" + object_id + "/instance/_import"};
  call.options.json = std::move(payload);
  call.options.headers = sdk_headers();
  call.options.timeout = context_->upstream_timeout;
  return call;
}

}  // namespace parity::demo
