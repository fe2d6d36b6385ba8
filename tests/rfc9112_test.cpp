// RFC 9112's rules for reading a request, one case per rule, over raw sockets: what a server must
// refuse (and with which status), what it must accept, and fragments it must wait for rather than
// answer. Each case names its section; the refusal's message names it too, for whoever sent it.

#include "tests/support/raw_connection.hpp"
#include "tests/support/test_server.hpp"
#include "tests/test_handlers.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <thread>

namespace parity {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using test::RawConnection;

std::shared_ptr<http::Application> app() {
  auto a = std::make_shared<http::Application>();
  a->add<test::HelloHandler>("/hello", "hello").add<test::EchoHandler>("/echo", "echo");
  return a;
}

struct Refused {
  const char* name;     // the test's name: the section, then the rule
  std::string request;  // exactly what the client sends
  unsigned status;
  const char* says;  // a piece of the message, naming the rule
};

std::ostream& operator<<(std::ostream& out, const Refused& c) {
  return out << c.name;
}

class Rfc9112Refuses : public ::testing::TestWithParam<Refused> {
 protected:
  test::TestServer server{app()};
};

// A refusal answers at once, closes the connection (the framing can no longer be trusted), and
// the server goes on serving others.
TEST_P(Rfc9112Refuses, AnswersItsStatusClosesAndKeepsServing) {
  const auto& c = GetParam();
  RawConnection client(server.port());
  client.send(c.request);
  auto response = client.read_response();
  ASSERT_TRUE(response) << "no answer to " << c.name << ": the server waited or closed silently";
  EXPECT_EQ(response->result_int(), c.status) << response->body();
  EXPECT_NE(response->body().find(c.says), std::string::npos) << response->body();
  EXPECT_NE(response->body().find("RFC 91"), std::string::npos)
      << "the message names no section: " << response->body();
  EXPECT_FALSE(response->keep_alive());
  EXPECT_TRUE(client.closed_by_peer());

  RawConnection next(server.port());
  next.send(test::get_request("/hello"));
  auto ok = next.read_response();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->result_int(), 200);
}

const std::string host = "Host: x\r\n";

INSTANTIATE_TEST_SUITE_P(
    Rfc9112, Rfc9112Refuses,
    ::testing::Values(
        // §2.2 Message Parsing
        Refused{"S2_2_BareCRIsRefused", "GET /hello HTTP/1.1\r\nHost: x\rX: y\r\n\r\n", 400,
                "CRLF"},
        Refused{"S2_2_BareLFIsRefusedNotWaitedFor", "GET /hello HTTP/1.1\nHost: x\n\n", 400,
                "LF alone"},
        Refused{"S2_2_WhitespaceBeforeTheFirstFieldIsRefused",
                "GET /hello HTTP/1.1\r\n Host: x\r\n\r\n", 400, "space or tab"},
        // §3 Request Line
        Refused{"S3_ARequestLineWithoutVersionIsRefusedNotWaitedFor", "GET / \r\n\r\n", 400,
                "no HTTP version"},
        Refused{"S3_AnHttp09RequestLineIsRefused", "GET /hello\r\n\r\n", 400, "no HTTP version"},
        Refused{"S3_TwoSpacesInTheRequestLineAreRefused",
                "GET  /hello HTTP/1.1\r\n" + host + "\r\n", 400, "target"},
        Refused{"S3_1_AMethodThatIsNoTokenIsRefused", "G(T /hello HTTP/1.1\r\n" + host + "\r\n",
                400, "method"},
        Refused{"S2_3_AVersionThatIsNotOneIsRefused", "GET /hello HTTP/1.x\r\n" + host + "\r\n",
                400, "version"},
        Refused{"S2_3_HttpMajorVersionTwoIs505", "GET /hello HTTP/2.0\r\n" + host + "\r\n", 505,
                "HTTP/2.0"},
        // §3.2 Request Target and Host
        Refused{"S3_2_AnHttp11RequestWithoutHostIsRefused", "GET /hello HTTP/1.1\r\n\r\n", 400,
                "needs a Host"},
        Refused{"S3_2_WithoutHostTheBodyIsNotWaitedFor",
                "POST /echo HTTP/1.1\r\nContent-Length: 5\r\n\r\n", 400, "needs a Host"},
        Refused{"S3_2_TwoHostFieldsAreRefused", "GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
                400, "2 Host fields"},
        Refused{"S3_2_TwoHostFieldsAreRefusedInHttp10Too",
                "GET /hello HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", 400, "2 Host fields"},
        Refused{"S3_2_AHostThatIsNoAuthorityIsRefused", "GET /hello HTTP/1.1\r\nHost: a b\r\n\r\n",
                400, "Host field"},
        Refused{"S3_2_AHostWithUserinfoIsRefused", "GET /hello HTTP/1.1\r\nHost: me@x\r\n\r\n", 400,
                "Host field"},
        Refused{"S3_2_ATargetWithAFragmentIsRefused", "GET /hello#top HTTP/1.1\r\n" + host + "\r\n",
                400, "fragment"},
        Refused{"S3_2_ATargetThatIsNoPathIsRefused", "GET hello HTTP/1.1\r\n" + host + "\r\n", 400,
                "path"},
        Refused{"S3_2_4_TheAsteriskIsForOptionsOnly", "GET * HTTP/1.1\r\n" + host + "\r\n", 400,
                "OPTIONS"},
        // §5 Field Syntax
        Refused{"S5_1_WhitespaceBeforeTheColonIsRefused",
                "GET /hello HTTP/1.1\r\n" + host + "X-A : 1\r\n\r\n", 400, "before its colon"},
        Refused{"S5_1_AnEmptyFieldNameIsRefused", "GET /hello HTTP/1.1\r\n" + host + ": 1\r\n\r\n",
                400, "field name"},
        Refused{"S5_2_ObsFoldIsRefused", "GET /hello HTTP/1.1\r\n" + host + "X-A: 1\r\n  2\r\n\r\n",
                400, "obs-fold"},
        Refused{"S5_5_AControlCharacterInAValueIsRefused",
                "GET /hello HTTP/1.1\r\nHost: x\r\nX: a\0b\r\n\r\n"s, 400, "control character"},
        // §6 Message Body
        Refused{"S6_3_AContentLengthThatIsNoNumberIsRefused",
                "POST /echo HTTP/1.1\r\n" + host + "Content-Length: abc\r\n\r\n", 400,
                "not a number"},
        Refused{"S6_3_ANegativeContentLengthIsRefused",
                "POST /echo HTTP/1.1\r\n" + host + "Content-Length: -1\r\n\r\n", 400,
                "not a number"},
        Refused{"S6_3_ASignedContentLengthIsRefused",
                "POST /echo HTTP/1.1\r\n" + host + "Content-Length: +5\r\n\r\nhello", 400,
                "not a number"},
        Refused{"S6_3_TwoDifferentContentLengthsAreRefused",
                "POST /echo HTTP/1.1\r\n" + host +
                    "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
                400, "two different values"},
        Refused{"S6_3_AContentLengthListOfDifferentValuesIsRefused",
                "POST /echo HTTP/1.1\r\n" + host + "Content-Length: 5, 6\r\n\r\nhello", 400,
                "two different values"},
        Refused{"S6_3_TransferEncodingWithContentLengthIsRefused",
                "POST /echo HTTP/1.1\r\n" + host +
                    "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                400, "Content-Length"},
        Refused{"S6_3_ATransferCodingWithoutChunkedIsRefused",
                "POST /echo HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip\r\n\r\n", 400,
                "chunked must be the last"},
        Refused{"S6_3_ChunkedThatIsNotLastIsRefused",
                "POST /echo HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked, gzip\r\n\r\n", 400,
                "chunked must be the last"},
        Refused{"S6_1_AnUnknownTransferCodingIs501",
                "POST /echo HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip, chunked\r\n\r\n", 501,
                "gzip"},
        Refused{"S6_1_TransferEncodingInHttp10IsRefused",
                "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
                "HTTP/1.0"},
        // §7.1 Chunked Transfer Coding
        Refused{"S7_1_AChunkSizeThatIsNoHexIsRefused",
                "POST /echo HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\nzz\r\n\r\n",
                400, "chunk"}),
    [](const auto& info) { return std::string(info.param.name); });

// ---- What a server must accept ----------------------------------------------------------------

class Rfc9112Accepts : public ::testing::Test {
 protected:
  test::TestServer server{app()};
  // Sends `pieces` a little apart, so that the server reads each on its own, and reads the answer.
  http::Response in_pieces(std::initializer_list<std::string> pieces) {
    RawConnection client(server.port());
    for (const auto& piece : pieces) {
      if (&piece != pieces.begin()) std::this_thread::sleep_for(10ms);
      client.send(piece);
    }
    auto response = client.read_response();
    if (!response) throw std::runtime_error("no answer");
    return std::move(*response);
  }
  http::Response round_trip(const std::string& request) { return in_pieces({request}); }
  static std::string echoed_body(const http::Response& response) {
    return std::string(boost::json::parse(response.body()).at("body").as_string());
  }
};

TEST_F(Rfc9112Accepts, S2_2_AnEmptyLineBeforeTheRequestLineIsIgnored) {
  auto response = round_trip("\r\nGET /hello HTTP/1.1\r\n" + host + "\r\n");
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "Hello, world");
}

TEST_F(Rfc9112Accepts, S3_2_2_AnAbsoluteFormTargetIsServedByItsPath) {
  auto response = round_trip("GET http://example.com/hello HTTP/1.1\r\nHost: other\r\n\r\n");
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "Hello, world");
}

TEST_F(Rfc9112Accepts, S3_2_AnHttp10RequestMayLeaveOutHost) {
  auto response = round_trip("GET /hello HTTP/1.0\r\n\r\n");
  EXPECT_EQ(response.result_int(), 200);
}

TEST_F(Rfc9112Accepts, S3_2_AnEmptyHostIsAHost) {
  EXPECT_EQ(round_trip("GET /hello HTTP/1.1\r\nHost:\r\n\r\n").result_int(), 200);
}

TEST_F(Rfc9112Accepts, Rfc9110_S2_5_AHigherMinorVersionIsReadAsHttp11) {
  auto response = round_trip("GET /hello HTTP/1.2\r\n" + host + "\r\n");
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.version(), 11);
}

TEST_F(Rfc9112Accepts, Rfc9110_S8_6_AListOfOneContentLengthRepeatedIsThatLength) {
  auto response =
      round_trip("POST /echo HTTP/1.1\r\n" + host + "Content-Length: 5, 5\r\n\r\nhello");
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(echoed_body(response), "hello");
}

TEST_F(Rfc9112Accepts, S7_1_1_ChunkExtensionsAreIgnored) {
  auto response =
      round_trip("POST /echo HTTP/1.1\r\n" + host +
                 "Transfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n0\r\n\r\n");
  EXPECT_EQ(echoed_body(response), "hello");
}

TEST_F(Rfc9112Accepts, S7_1_2_TrailerFieldsEndTheBody) {
  auto response =
      round_trip("POST /echo HTTP/1.1\r\n" + host +
                 "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Sum: 1\r\n\r\n");
  EXPECT_EQ(echoed_body(response), "hello");
}

TEST_F(Rfc9112Accepts, S9_3_TwoRequestsInOneSegmentAreAnsweredInOrder) {
  RawConnection client(server.port());
  client.send("GET /hello HTTP/1.1\r\n" + host + "\r\nPOST /echo HTTP/1.1\r\n" + host +
              "Content-Length: 2\r\n\r\nhi");
  auto first = client.read_response();
  auto second = client.read_response();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->body(), "Hello, world");
  EXPECT_EQ(echoed_body(*second), "hi");
}

// ---- Fragments a server must wait for ---------------------------------------------------------
// Sent in pieces a little apart, so that the server reads each on its own; if the kernel joins
// them, the case proves less but still holds. A server that answered a fragment would answer 400.

using Rfc9112WaitsFor = Rfc9112Accepts;

TEST_F(Rfc9112WaitsFor, S3_ARequestLineInPieces) {
  auto response = in_pieces({"GE", "T /hel", "lo HT", "TP/1.1\r", "\nHost: x\r\n\r\n"});
  EXPECT_EQ(response.result_int(), 200);
}

TEST_F(Rfc9112WaitsFor, S2_2_AHeaderWhoseEmptyLineComesLast) {
  auto response = in_pieces({"GET /hello HTTP/1.1\r\nHost: x\r\n", "\r", "\n"});
  EXPECT_EQ(response.result_int(), 200);
}

TEST_F(Rfc9112WaitsFor, S5_AFieldInPieces) {
  auto response = in_pieces({"GET /hello HTTP/1.1\r\nHo", "st", ": x\r\nX-Long: a", "bc\r\n\r\n"});
  EXPECT_EQ(response.result_int(), 200);
}

TEST_F(Rfc9112WaitsFor, S6_3_ABodyShorterThanItsContentLengthSoFar) {
  auto response =
      in_pieces({"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello", " world"});
  EXPECT_EQ(echoed_body(response), "hello world");
}

TEST_F(Rfc9112WaitsFor, S7_1_AChunkedBodyCutInsideItsSizeLine) {
  auto response = in_pieces({"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
                             "0", "b\r\nhello", " world\r\n0\r", "\n\r\n"});
  EXPECT_EQ(echoed_body(response), "hello world");
}

}  // namespace
}  // namespace parity
