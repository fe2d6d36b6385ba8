// An upstream's answer as the client reads it (Client::Impl::round_trip in
// common/http/client/client.cpp): Beast's response parser under the client's body limit, past
// interim answers, fed in pieces, then the body as JSON. A failed read is always one of the
// client's own codes (FetchErrc), never a bare parse error; an answer accepted reads back the same
// once written out again, whichever way it was cut.
#include "common/http/client/client_reading.hpp"
#include "common/http/client/fetch_error.hpp"
#include "common/http/wire/header_bytes.hpp"
#include "tests/fuzz/pieces.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace {

using namespace parity;
using parity::fuzz::PieceStream;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

constexpr std::size_t kMaxBody = 1024;

struct Answer {
  boost::system::error_code ec;
  std::optional<http::Response> response;
};

Answer read_answer(std::vector<std::string_view> pieces) {
  PieceStream stream(std::move(pieces));
  beast::flat_buffer buffer;
  Answer answer;
  bool got_bytes = false;
  do {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(kMaxBody);
    bhttp::read(stream, buffer, parser, answer.ec);
    got_bytes = got_bytes || parser.got_some();
    if (answer.ec) {
      answer.ec = http::classify_io_error(answer.ec, got_bytes);
      answer.response.reset();
      return answer;
    }
    answer.response = parser.release();
    if (!http::is_valid_status(answer.response->result_int())) {
      answer.ec = http::FetchErrc::malformed_response;
      answer.response.reset();
      return answer;
    }
  } while (http::is_interim(answer.response->result_int()));
  return answer;
}

bool same(const http::Response& a, const http::Response& b) {
  if (a.result_int() != b.result_int() || a.body() != b.body()) return false;
  auto i = a.begin(), j = b.begin();
  auto framing = [](const auto& f) {
    return f.name() == http::field::content_length || f.name() == http::field::transfer_encoding;
  };
  for (;;) {
    while (i != a.end() && framing(*i)) ++i;
    while (j != b.end() && framing(*j)) ++j;
    if (i == a.end() || j == b.end()) return i == a.end() && j == b.end();
    if (i->name_string() != j->name_string() || i->value() != j->value()) return false;
    ++i, ++j;
  }
}

void check_json(const http::Response& response) {
  http::FetchResponse fetched;
  fetched.body = response.body();
  try {
    auto value = fetched.json();
    FUZZ_CHECK(boost::json::parse(boost::json::serialize(value)) == value);
  } catch (const http::FetchError& e) {
    FUZZ_CHECK(e.code() == http::FetchErrc::invalid_json);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::optional<Answer> first;
  for (auto& pieces : fuzz::splittings(bytes)) {
    auto answer = read_answer(pieces);
    if (answer.ec) {
      FUZZ_CHECK(answer.ec.category() == http::fetch_category());
    } else {
      const auto& r = *answer.response;
      FUZZ_CHECK(r.result_int() >= 100 && r.result_int() <= 599);
      FUZZ_CHECK(!http::is_interim(r.result_int()));  // the final answer, not a 100 Continue
      FUZZ_CHECK(r.body().size() <= kMaxBody);
      http::Response copy = r;
      copy.erase(http::field::transfer_encoding);
      copy.set(http::field::content_length, std::to_string(copy.body().size()));
      auto again = read_answer({http::header_bytes(copy.base()) + copy.body()});
      FUZZ_CHECK(!again.ec && same(r, *again.response));
      check_json(r);
    }
    if (!first) {
      first = std::move(answer);
      continue;
    }
    // Both fail, or both read the same answer. Which failure may depend on the cuts: Beast may
    // find a start line malformed once its line is whole, or the peer may close before it is.
    FUZZ_CHECK(!first->ec == !answer.ec);
    FUZZ_CHECK(first->response.has_value() == answer.response.has_value());
    if (answer.response) FUZZ_CHECK(same(*first->response, *answer.response));
  }
  return 0;
}
