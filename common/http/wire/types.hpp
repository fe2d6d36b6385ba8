#pragma once
// Names shared by the HTTP core: Beast's message types as the server reads and writes them.

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>

namespace parity::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;
using bhttp::field;
using bhttp::status;
using bhttp::verb;

// Where a request's time went: its own code on a loop thread, on a pool thread, and the rest,
// waiting (for an upstream, a timer, a Future, or its turn on the loop). Server-Timing's parts.
struct Timing {
  using duration = std::chrono::steady_clock::duration;
  duration loop, wait, pool, total;
};

inline constexpr std::size_t KiB = 1024;
inline constexpr std::size_t MiB = 1024 * KiB;

}  // namespace parity::http
