#pragma once
// A request read as Session reads it (common/http/server/session.cpp), its socket replaced by
// pieces: read_header_step until the header is whole, Beast's verdict through read_error_refusal,
// then check_parsed_header, then the body by Beast's read, then to_origin_form as hand_over does.
// Only the loop is here; every decision is the session's own function.

#include "common/http/wire/header_bytes.hpp"
#include "common/http/wire/request_reading.hpp"
#include "tests/fuzz/pieces.hpp"

#include <boost/beast/core/read_size.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>

#include <optional>
#include <string>

namespace parity::fuzz {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

struct Limits {
  std::size_t header = 2048;
  std::size_t fields = 32;
  std::size_t body = 1024;
};

struct Outcome {
  std::optional<http::rfc9112::Refusal> refusal;  // answered, then closed
  std::optional<http::Request> request;           // handed to the application
  std::string rest;  // what was left unread after the request: the next one, pipelined
  bool closed() const { return !refusal && !request; }
};

inline Outcome read_request(std::vector<std::string_view> pieces, Limits limits = {}) {
  Outcome out;
  PieceStream stream(std::move(pieces));
  beast::flat_buffer buffer;
  http::RequestParser parser;
  parser.header_limit(static_cast<std::uint32_t>(limits.header));
  parser.body_limit(limits.body);
  std::size_t scanned = 0;
  boost::system::error_code ec;
  for (;;) {
    auto step = http::read_header_step(buffer, scanned, parser, limits.header);
    if (step.refusal) {
      out.refusal = std::move(step.refusal);
      return out;
    }
    if (step.done) {
      ec = step.ec;
      break;
    }
    auto room = buffer.prepare(beast::read_size(buffer, 64 * 1024));  // as the session
    auto n = stream.read_some(room, ec);
    buffer.commit(n);
    if (ec) break;
  }
  if (ec) {  // on_header
    out.refusal = http::read_error_refusal(ec, limits.header, limits.body);
    return out;
  }
  if ((out.refusal = http::check_parsed_header(parser.get(), limits.fields))) return out;
  if (!parser.is_done()) {  // read_body
    bhttp::read(stream, buffer, parser, ec);
    if (ec) {
      out.refusal = http::read_error_refusal(ec, limits.header, limits.body);
      return out;
    }
  }
  out.request = parser.release();
  http::rfc9112::to_origin_form(*out.request);
  out.rest = std::string(static_cast<const char*>(buffer.data().data()), buffer.size()) +
             stream.rest();
  return out;
}

// What must hold of any outcome: a refusal is an error status with a sentence; an accepted
// request is within the limits.
inline void check_outcome(const Outcome& out, Limits limits) {
  if (out.refusal) {
    FUZZ_CHECK(out.refusal->status >= 400 && out.refusal->status <= 599);
    FUZZ_CHECK(!out.refusal->message.empty());
  }
  if (out.request) {
    FUZZ_CHECK(out.request->version() == 10 || out.request->version() == 11);
    FUZZ_CHECK(out.request->body().size() <= limits.body);
    FUZZ_CHECK(!out.request->target().empty());
  }
}

inline bool framing_field(const bhttp::fields::value_type& f) {
  return f.name() == http::field::content_length || f.name() == http::field::transfer_encoding;
}

// The same request: method, target, version, body, and every field but the framing ones, in order.
inline bool same_request(const http::Request& a, const http::Request& b) {
  if (a.method_string() != b.method_string() || a.target() != b.target() ||
      a.version() != b.version() || a.body() != b.body())
    return false;
  auto i = a.begin(), j = b.begin();
  for (;;) {
    while (i != a.end() && framing_field(*i)) ++i;
    while (j != b.end() && framing_field(*j)) ++j;
    if (i == a.end() || j == b.end()) return i == a.end() && j == b.end();
    if (i->name_string() != j->name_string() || i->value() != j->value()) return false;
    ++i, ++j;
  }
}

// The request as a client would send it again: its fields, the body framed by Content-Length.
inline std::string serialize(const http::Request& request) {
  http::Request copy = request;
  copy.erase(http::field::transfer_encoding);
  copy.erase(http::field::content_length);
  if (!copy.body().empty()) copy.set(http::field::content_length, std::to_string(copy.body().size()));
  return http::header_bytes(copy.base()) + copy.body();
}

// An accepted request reads back the same once written out again (with room for the spaces
// the writing adds).
inline void check_round_trip(const http::Request& request, Limits limits) {
  const std::string again = serialize(request);
  Limits roomy{limits.header * 2, limits.fields, limits.body};
  auto reread = read_request({again}, roomy);
  if (!reread.request) {
    std::fprintf(stderr, "refused on the round trip (%u %s):\n%s\n",
                 reread.refusal ? reread.refusal->status : 0,
                 reread.refusal ? reread.refusal->message.c_str() : "closed", again.c_str());
  }
  FUZZ_CHECK(reread.request);
  FUZZ_CHECK(same_request(request, *reread.request));
  FUZZ_CHECK(reread.rest.empty());
}

// Every way of cutting `bytes` gives the same request, or refuses (each refusal may name another
// rule: a header over the limit may be refused for its size before a later bad line is seen).
inline void check_bytes(std::string_view bytes, Limits limits = {}) {
  std::optional<Outcome> first;
  for (auto& pieces : splittings(bytes)) {
    auto out = read_request(pieces, limits);
    check_outcome(out, limits);
    if (out.request) check_round_trip(*out.request, limits);
    if (!first) {
      first = std::move(out);
      continue;
    }
    FUZZ_CHECK(first->request.has_value() == out.request.has_value());
    if (out.request) {
      FUZZ_CHECK(same_request(*first->request, *out.request));
      FUZZ_CHECK(first->rest == out.rest);
    }
  }
}

}  // namespace parity::fuzz
