#pragma once
// The upstream calls of the demo, written once as Asio initiating functions over the core's
// async_fetch (so each style calls them with its own token), each with its blocking twin for the
// sync and threadpool styles. They complete as the client's async_fetch does, with an error code
// of the client's FetchErrc and the answer, its JSON already parsed; for an error status the
// answer carries the status and the upstream's body. Where an error is thrown (the blocking
// twins, a Future's result(), a co_await) it is the http::FetchError the client throws:
//
//   UpstreamApi: GET /delay (fetch, sleep-free waiting, chain and parallel)
//   CmdbSdk:     seed 000's CMDB API, POST /object/{id}/instance/_search and _import
//
// Completion: void(boost::system::error_code, UpstreamAnswer). A successful body that is not
// JSON is FetchErrc::invalid_json.

#include "app/demo/context.hpp"
#include "common/loop/initiate_throwing.hpp"

#include <boost/asio/compose.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <string>

namespace parity::demo {

struct UpstreamAnswer {
  unsigned status = 0;
  // The parsed JSON; a body that is not JSON (an error page, say) as its text, a JSON string.
  boost::json::value body;
  std::chrono::duration<double> request_time{};
  std::string url;
};

struct UpstreamCall {
  http::FetchRequest request;
  http::FetchOptions options;
};

// Parses `response` into `answer`; returns `ec`, or invalid_json if a successful body is not JSON.
boost::system::error_code decode_answer(boost::system::error_code ec,
                                        const http::FetchResponse& response,
                                        UpstreamAnswer& answer);

// The http::FetchError a failed call becomes where it is thrown (use_future and use_awaitable
// find it by argument-dependent lookup), with the upstream's answer attached for an error status.
std::exception_ptr exception_for(boost::system::error_code ec, UpstreamAnswer answer);

// fetch, then decode: the one composed operation behind every call below.
struct JsonCallOp {
  http::Client& client;
  UpstreamCall call;

  template <class Self>
  void operator()(Self& self) {
    client.async_fetch(std::move(call.request), std::move(call.options), std::move(self));
  }
  template <class Self>
  void operator()(Self& self, boost::system::error_code ec, http::FetchResponse response) {
    UpstreamAnswer answer;
    ec = decode_answer(ec, response, answer);
    self.complete(ec, std::move(answer));
  }
};

template <class CompletionToken>
auto async_json_call(http::Client& client, UpstreamCall call, CompletionToken&& token) {
  return async_initiate_throwing<UpstreamAnswer>(
      [](auto handler, http::Client* client, UpstreamCall call) {
        using Handler = decltype(handler);
        asio::async_compose<Handler, void(boost::system::error_code, UpstreamAnswer)>(
            JsonCallOp{*client, std::move(call)}, handler);
      },
      std::forward<CompletionToken>(token), &client, std::move(call));
}

// The blocking twin: fetch_blocking, then decode. Throws http::FetchError.
UpstreamAnswer json_call_blocking(UpstreamCall call);

class UpstreamApi {
 public:
  UpstreamApi() = default;
  explicit UpstreamApi(const Context& context) : context_(&context) {}

  // GET /delay with `params`, which the upstream echoes back under "args".
  template <class CompletionToken>
  auto async_delay(http::ArgumentList params, CompletionToken&& token) const {
    return async_json_call(*context_->client, delay_call(std::move(params)),
                           std::forward<CompletionToken>(token));
  }
  UpstreamAnswer delay_blocking(http::ArgumentList params) const {
    return json_call_blocking(delay_call(std::move(params)));
  }

  // The parameters of the chain's step `step`: it carries the previous answer's step along.
  static http::ArgumentList chain_params(int step, const UpstreamAnswer* previous);
  static http::ArgumentList parallel_params(int index);
  // What a /chain or /parallel answer lists for one upstream answer: its echoed arguments.
  static boost::json::value echoed(const UpstreamAnswer& answer);

 private:
  UpstreamCall delay_call(http::ArgumentList params) const;
  const Context* context_ = nullptr;
};

// Seed 000's CMDBSDK over the core client: the same two calls, with requests-style options.
class CmdbSdk {
 public:
  CmdbSdk() = default;
  explicit CmdbSdk(const Context& context) : context_(&context) {}

  template <class CompletionToken>
  auto async_search(std::string object_id, boost::json::object query,
                    CompletionToken&& token) const {
    return async_json_call(*context_->client, search_call(object_id, std::move(query)),
                           std::forward<CompletionToken>(token));
  }
  template <class CompletionToken>
  auto async_import(std::string object_id, boost::json::value payload,
                    CompletionToken&& token) const {
    return async_json_call(*context_->client, import_call(object_id, std::move(payload)),
                           std::forward<CompletionToken>(token));
  }
  UpstreamAnswer search_blocking(std::string object_id, boost::json::object query) const {
    return json_call_blocking(search_call(object_id, std::move(query)));
  }
  UpstreamAnswer import_blocking(std::string object_id, boost::json::value payload) const {
    return json_call_blocking(import_call(object_id, std::move(payload)));
  }

 private:
  UpstreamCall search_call(const std::string& object_id, boost::json::object query) const;
  UpstreamCall import_call(const std::string& object_id, boost::json::value payload) const;
  const Context* context_ = nullptr;
};

}  // namespace parity::demo
