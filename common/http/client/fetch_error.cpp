#include "common/http/client/fetch_error.hpp"

#include <boost/json/parse.hpp>

namespace parity::http {
namespace {

class FetchCategory : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "parity.fetch"; }
  std::string message(int value) const override {
    switch (static_cast<FetchErrc>(value)) {
      case FetchErrc::invalid_url:
        return "invalid URL";
      case FetchErrc::connect_failed:
        return "could not connect";
      case FetchErrc::connect_timeout:
        return "timed out while connecting";
      case FetchErrc::queue_timeout:
        return "timed out waiting in the client queue (max_clients)";
      case FetchErrc::queue_full:
        return "the client queue is full";
      case FetchErrc::request_timeout:
        return "timed out waiting for the response";
      case FetchErrc::connection_closed:
        return "the connection closed before the response was complete";
      case FetchErrc::malformed_response:
        return "malformed HTTP response";
      case FetchErrc::response_too_large:
        return "the response body is too large";
      case FetchErrc::http_status:
        return "HTTP error status";
      case FetchErrc::invalid_json:
        return "the response body is not valid JSON";
    }
    return "unknown fetch error";
  }
};

}  // namespace

const boost::system::error_category& fetch_category() {
  static const FetchCategory category;
  return category;
}

boost::system::error_code make_error_code(FetchErrc e) {
  return {static_cast<int>(e), fetch_category()};
}

bool is_timeout(boost::system::error_code ec) {
  return ec == FetchErrc::connect_timeout || ec == FetchErrc::queue_timeout ||
         ec == FetchErrc::request_timeout;
}

boost::json::value FetchResponse::json() const {
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec) throw FetchError(FetchErrc::invalid_json, url + ": " + ec.message(), *this);
  return value;
}

std::exception_ptr exception_for(boost::system::error_code ec, FetchResponse response) {
  std::string what = response.url;
  if (ec == FetchErrc::http_status) what += ": HTTP " + std::to_string(response.status);
  std::optional<FetchResponse> attached;
  if (ec == FetchErrc::http_status || ec == FetchErrc::invalid_json) attached = std::move(response);
  return std::make_exception_ptr(FetchError(ec, what, std::move(attached)));
}

}  // namespace parity::http
