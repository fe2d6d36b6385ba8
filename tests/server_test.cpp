// The HTTP server through real sockets: HTTP/1.0 and 1.1, keep-alive, pipelining, limits,
// timeouts, the handler lifecycle and graceful shutdown.

#include "common/http/server/server.hpp"
#include "tests/support/raw_connection.hpp"
#include "tests/support/test_server.hpp"
#include "tests/test_handlers.hpp"

#include <gtest/gtest.h>

#include <sys/resource.h>

namespace parity {
namespace {

using namespace std::chrono_literals;
using test::get_request;
using test::RawConnection;

struct Fixture {
  std::shared_ptr<test::Event> hang_started = std::make_shared<test::Event>();
  std::shared_ptr<test::Event> hang_closed = std::make_shared<test::Event>();
  std::shared_ptr<test::Event> sleep_started = std::make_shared<test::Event>();

  std::shared_ptr<http::Application> app() {
    auto a = std::make_shared<http::Application>();
    a->add<test::HelloHandler>("/hello", "hello")
        .add<test::SleepHandler>("/sleep", "sleep", sleep_started)
        .add<test::EchoHandler>("/echo", "echo")
        .add<test::HangHandler>("/hang", "hang", hang_started, hang_closed)
        .add<test::GuardedHandler>("/guarded")
        .add<test::ThrowingHandler>("/throw")
        .add<test::PlainErrorHandler>("/plain-error")
        .add<test::ItemHandler>(R"(/items/(?P<id>\w+)/(\d+))", "item")
        .add<test::StreamHandler>("/stream")
        .add<test::PausingStreamHandler>("/pausing-stream");
    return a;
  }
};

class ServerTest : public ::testing::Test, protected Fixture {
 protected:
  http::ServerOptions options = test::TestServer::quiet();
  std::unique_ptr<test::TestServer> server;
  void start() { server = std::make_unique<test::TestServer>(app(), options); }
  void SetUp() override {}
};

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  start();
  RawConnection c(server->port());
  c.send(get_request("/hello"));
  auto first = c.read_response();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->body(), "Hello, world");
  EXPECT_TRUE(first->keep_alive());
  c.send(get_request("/hello"));
  auto second = c.read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->result_int(), 200);
  EXPECT_EQ(server->server().connection_count(), 1u);
}

// HEAD: the header GET would send, Content-Length included, and no body (RFC 9110 §9.3.2).
class HelloAndHeadHandler final : public http::RequestHandler {
 public:
  void get() { finish("Hello, world"); }
  void head() { get(); }
};

TEST_F(ServerTest, HeadAnswersTheLengthWithoutTheBodyAndKeepsTheConnection) {
  auto application = app();
  application->add<HelloAndHeadHandler>("/hello-and-head", "hello_and_head");
  server = std::make_unique<test::TestServer>(application, options);
  RawConnection c(server->port());
  c.send("HEAD /hello-and-head HTTP/1.1\r\nHost: x\r\n\r\n");
  auto head = c.read_until("\r\n\r\n");
  EXPECT_NE(head.find("HTTP/1.1 200 OK\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Content-Length: 12\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.substr(head.find("\r\n\r\n") + 4), "");  // no body came with it
  c.send(get_request("/hello-and-head"));  // the next answer starts right after the header
  auto next = c.read_until("Hello, world");
  EXPECT_EQ(next.substr(next.size() - 12), "Hello, world");
  EXPECT_EQ(next.find("HTTP/1.1 200 OK", 1), head.size()) << next;
}

TEST_F(ServerTest, ConnectionCloseIsHonoured) {
  start();
  RawConnection c(server->port());
  c.send(get_request("/hello", "Connection: close\r\n"));
  auto response = c.read_response();
  ASSERT_TRUE(response);
  EXPECT_FALSE(response->keep_alive());
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(ServerTest, Http10ClosesUnlessKeepAliveIsAsked) {
  start();
  RawConnection plain(server->port());
  plain.send(get_request("/hello", "", "HTTP/1.0"));
  auto response = plain.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->version(), 10);
  EXPECT_EQ(response->body(), "Hello, world");
  EXPECT_TRUE(plain.closed_by_peer());

  RawConnection kept(server->port());
  kept.send(get_request("/hello", "Connection: keep-alive\r\n", "HTTP/1.0"));
  ASSERT_TRUE(kept.read_response());
  kept.send(get_request("/hello", "Connection: keep-alive\r\n", "HTTP/1.0"));
  EXPECT_TRUE(kept.read_response());
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  start();
  RawConnection c(server->port());
  // The first is slow, the second instant: answers still come in request order.
  c.send(get_request("/sleep?ms=50") + get_request("/hello") + get_request("/sleep?ms=1"));
  auto a = c.read_response();
  auto b = c.read_response();
  auto d = c.read_response();
  ASSERT_TRUE(a && b && d);
  EXPECT_EQ(a->body(), "slept 50");
  EXPECT_EQ(b->body(), "Hello, world");
  EXPECT_EQ(d->body(), "slept 1");
}

TEST_F(ServerTest, MalformedRequestLineGets400AndTheServerKeepsServing) {
  start();
  RawConnection c(server->port());
  c.send("THIS IS NOT HTTP\r\n\r\n");
  auto response = c.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 400);
  EXPECT_NE(response->body().find("malformed request"), std::string::npos);
  EXPECT_TRUE(c.closed_by_peer());

  RawConnection next(server->port());
  next.send(get_request("/hello"));
  auto ok = next.read_response();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->result_int(), 200);
}

TEST_F(ServerTest, OversizedHeaderGets431) {
  options.header_limit = 1024;
  start();
  RawConnection c(server->port());
  c.send(get_request("/hello", "X-Big: " + std::string(4096, 'a') + "\r\n"));
  auto response = c.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 431);
}

TEST_F(ServerTest, TooManyHeaderFieldsGet431EvenUnderTheByteLimit) {
  start();  // defaults: 64 KiB, 100 fields
  std::string fields;
  for (int i = 0; i < 2000; ++i) fields += "X-" + std::to_string(i) + ": a\r\n";  // ~18 KiB
  RawConnection c(server->port());
  c.send(get_request("/hello", fields));
  auto response = c.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 431);
  EXPECT_NE(response->body().find("at most 100"), std::string::npos) << response->body();
  RawConnection next(server->port());  // and the server keeps serving
  next.send(get_request("/hello", "X-1: a\r\nX-2: b\r\n"));
  auto ok = next.read_response();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->result_int(), 200);
}

TEST_F(ServerTest, OversizedBodyGets413) {
  options.body_limit = 1000;
  start();
  RawConnection c(server->port());
  std::string body(5000, 'x');
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + body);
  auto response = c.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 413);
}

TEST_F(ServerTest, OversizedChunkedBodyGets413) {
  options.body_limit = 1000;
  start();
  RawConnection c(server->port());
  std::string chunk(800, 'x');
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  c.send("320\r\n" + chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n");
  auto response = c.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 413);
}

TEST_F(ServerTest, ChunkedRequestBodyIsReassembled) {
  start();
  RawConnection c(server->port());
  c.send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n "
      "world\r\n0\r\n\r\n");
  auto response = c.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(boost::json::parse(response->body()).at("body"), "hello world");
}

TEST_F(ServerTest, ExpectContinueGets100ThenTheResponse) {
  start();
  RawConnection c(server->port());
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  auto interim = c.read_until("\r\n\r\n");
  EXPECT_EQ(interim.rfind("HTTP/1.1 100 Continue\r\n\r\n", 0), 0u);
  c.send("hello");
  c.read_until("hello");
  auto all = c.read_until("\"body\"");
  auto final_start = all.find("HTTP/1.1 200");
  EXPECT_NE(final_start, std::string::npos);
}

TEST_F(ServerTest, ExpectContinueOverTheLimitGets413WithoutTheBody) {
  options.body_limit = 10;
  start();
  RawConnection c(server->port());
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
  auto response = c.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 413);
}

TEST_F(ServerTest, IdleConnectionIsClosedAfterTheIdleTimeout) {
  options.idle_timeout = 150ms;
  start();
  RawConnection c(server->port());
  c.send(get_request("/hello"));
  ASSERT_TRUE(c.read_response());
  EXPECT_TRUE(c.closed_by_peer());  // nothing more sent: closed after 150ms
}

// A refused request is answered, then the connection lingers a while, reading and dropping what
// comes, so that the answer is not destroyed by a reset. A client that then neither sends nor
// closes is let go of when the while is up, not kept open for ever.
TEST_F(ServerTest, ALingeringConnectionIsClosedWhenItsWhileIsUp) {
  start();
  RawConnection c(server->port());
  c.send("GARBAGE\r\n\r\n");
  auto answer = c.read_response();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->result_int(), 400);
  // The client stays connected and silent; the server closes its side within seconds.
  EXPECT_TRUE(test::eventually([&] { return server->server().connection_count() == 0; }, 30s));
}

TEST_F(ServerTest, SlowlorisHeaderIsCutOffByTheIdleTimeout) {
  options.idle_timeout = 200ms;
  start();
  RawConnection c(server->port());
  // A header that trickles in and never ends.
  c.send("GET /hello HTTP/1.1\r\n");
  std::this_thread::sleep_for(50ms);
  c.send("X-A: 1\r\n");
  std::this_thread::sleep_for(50ms);
  c.send("X-B: 2\r\n");
  EXPECT_TRUE(c.closed_by_peer());
  EXPECT_FALSE(c.read_response(100ms));
}

TEST_F(ServerTest, ClientGoingAwayFiresOnConnectionClose) {
  start();
  {
    RawConnection c(server->port());
    c.send(get_request("/hang"));
    ASSERT_TRUE(hang_started->wait());  // the handler has the request; now go away
  }
  EXPECT_TRUE(hang_closed->wait());
  EXPECT_TRUE(test::eventually([&] { return server->server().connection_count() == 0; }));
}

TEST_F(ServerTest, UnknownPathGets404) {
  start();
  RawConnection c(server->port());
  c.send(get_request("/nowhere"));
  auto response = c.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 404);
  EXPECT_EQ(boost::json::parse(response->body()).at("code"), 404);
}

TEST_F(ServerTest, WrongMethodGets405WithAllow) {
  start();
  RawConnection c(server->port());
  c.send("DELETE /echo HTTP/1.1\r\nHost: x\r\n\r\n");
  auto response = c.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 405);
  EXPECT_EQ((*response)[http::field::allow], "POST, PUT");
}

TEST_F(ServerTest, PrepareMayFinishTheRequestEarly) {
  start();
  RawConnection c(server->port());
  c.send(get_request("/guarded?deny=1"));
  auto denied = c.read_response();
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->result_int(), 403);
  c.send(get_request("/guarded"));
  auto allowed = c.read_response();
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->body(), "allowed");
}

TEST_F(ServerTest, HttpErrorBecomesItsStatusAndOtherExceptionsA500) {
  start();
  RawConnection c(server->port());
  c.send(get_request("/throw?kind=http"));
  auto teapot = c.read_response();
  ASSERT_TRUE(teapot);
  EXPECT_EQ(teapot->result_int(), 418);
  EXPECT_EQ(boost::json::parse(teapot->body()).at("message"), "short and stout");
  c.send(get_request("/throw"));
  auto internal = c.read_response();
  ASSERT_TRUE(internal);
  EXPECT_EQ(internal->result_int(), 500);
}

TEST_F(ServerTest, WriteErrorShapesTheErrorBody) {
  start();
  RawConnection c(server->port());
  c.send(get_request("/plain-error"));
  auto response = c.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 409);
  EXPECT_EQ(response->body(), "custom error 409");
}

TEST_F(ServerTest, NamedAndPositionalGroupsReachTheHandler) {
  start();
  RawConnection c(server->port());
  c.send(get_request("/items/abc/42"));
  auto response = c.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "abc/42");
}

TEST_F(ServerTest, QueryFormAndMultipartArgumentsAreDecoded) {
  start();
  RawConnection c(server->port());
  std::string form = "b=2&space=a+b%21";
  c.send(
      "POST /echo?a=1 HTTP/1.1\r\nHost: x\r\nContent-Type: "
      "application/x-www-form-urlencoded\r\nContent-Length: " +
      std::to_string(form.size()) + "\r\n\r\n" + form);
  auto response = c.read_response();
  ASSERT_TRUE(response);
  auto args = boost::json::parse(response->body()).at("args");
  EXPECT_EQ(args.at("a"), "1");
  EXPECT_EQ(args.at("b"), "2");
  EXPECT_EQ(args.at("space"), "a b!");

  std::string multipart =
      "--XyZ\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\nthree\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: "
      "text/plain\r\n\r\n"
      "file body\r\n--XyZ--\r\n";
  c.send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
      "boundary=XyZ\r\nContent-Length: " +
      std::to_string(multipart.size()) + "\r\n\r\n" + multipart);
  auto upload = c.read_response();
  ASSERT_TRUE(upload);
  auto json = boost::json::parse(upload->body());
  EXPECT_EQ(json.at("args").at("c"), "three");
  EXPECT_EQ(json.at("files").at(0).at("filename"), "a.txt");
  EXPECT_EQ(json.at("files").at(0).at("body"), "file body");
}

TEST_F(ServerTest, FlushStreamsAChunkedResponse) {
  start();
  RawConnection c(server->port());
  c.send(get_request("/stream"));
  auto response = c.read_response();
  ASSERT_TRUE(response);
  EXPECT_TRUE(response->chunked());
  EXPECT_EQ(response->body(), "line 0\nline 1\nline 2\n");
  c.send(get_request("/hello"));  // the connection is still usable
  EXPECT_TRUE(c.read_response());
}

TEST_F(ServerTest, AStreamMayPauseLongerThanTheWriteTimeout) {
  options.write_timeout = 100ms;  // bounds each write, not the handler's pauses between them
  start();
  RawConnection c(server->port());
  c.send(get_request("/pausing-stream"));
  auto response = c.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "before\nafter\n");
}

TEST_F(ServerTest, FlushOverHttp10EndsTheBodyByClosing) {
  start();
  RawConnection c(server->port());
  c.send(get_request("/stream", "", "HTTP/1.0"));
  auto response = c.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "line 0\nline 1\nline 2\n");
}

TEST_F(ServerTest, GracefulShutdownFinishesTheRequestInFlight) {
  start();
  RawConnection busy(server->port());
  RawConnection idle(server->port());
  busy.send(get_request("/sleep?ms=200"));
  ASSERT_TRUE(sleep_started->wait());
  test::Event done;
  server->server().shutdown(5s, [&] { done.set(); });
  auto response = busy.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "slept 200");
  EXPECT_FALSE(response->keep_alive());
  EXPECT_TRUE(idle.closed_by_peer());
  EXPECT_TRUE(done.wait());
  EXPECT_THROW(RawConnection refused(server->port()), std::runtime_error);
}

TEST_F(ServerTest, GracePeriodEndsWithTheStragglersClosed) {
  start();
  RawConnection c(server->port());
  c.send(get_request("/hang"));
  ASSERT_TRUE(hang_started->wait());
  test::Event done;
  server->server().shutdown(100ms, [&] { done.set(); });
  EXPECT_TRUE(done.wait());
  EXPECT_TRUE(c.closed_by_peer());
  EXPECT_TRUE(hang_closed->wait());
}

TEST_F(ServerTest, OneLoopOnTwoThreadsServesConcurrentConnections) {
  server = std::make_unique<test::TestServer>(app(), options, 2);
  std::vector<std::unique_ptr<RawConnection>> connections;
  for (int i = 0; i < 8; ++i) {
    connections.push_back(std::make_unique<RawConnection>(server->port()));
    connections.back()->send(get_request("/sleep?ms=20"));
  }
  for (auto& c : connections) {
    auto response = c->read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body(), "slept 20");
  }
}

}  // namespace
}  // namespace parity

namespace parity {
namespace {

// shutdown() must not leave the server's state and its on_drained callback holding each other:
// the application they hold is let go of once the server and the loop are gone.
std::weak_ptr<http::Application> serve_then_shut_down(bool with_a_hanging_request) {
  std::weak_ptr<http::Application> watched;
  auto started = std::make_shared<test::Event>();
  Loop loop;
  {
    auto app = std::make_shared<http::Application>();
    app->add<test::HangHandler>("/hang", "hang", started, nullptr);
    watched = app;
    http::Server server(loop, std::move(app), test::TestServer::quiet());
    server.listen("127.0.0.1", 0);
    std::jthread thread([&] { loop.run(); });
    std::optional<test::RawConnection> client;
    if (with_a_hanging_request) {
      client.emplace(server.port());
      client->send(test::get_request("/hang"));
      EXPECT_TRUE(started->wait());
    }
    server.shutdown(std::chrono::milliseconds(50), [&] { loop.stop(); });  // grace runs out
    thread.join();
  }
  return watched;
}

TEST(ServerLifetime, AShutdownWithNoConnectionLeaksNothing) {
  EXPECT_TRUE(serve_then_shut_down(false).expired());
}

TEST(ServerLifetime, AShutdownWhoseGraceRunsOutLeaksNothing) {
  EXPECT_TRUE(serve_then_shut_down(true).expired());
}

}  // namespace
}  // namespace parity

namespace parity {
namespace {

class ConnectionCap : public ::testing::Test, protected Fixture {
 protected:
  std::unique_ptr<test::TestServer> server;
  void start(std::size_t cap) {
    auto options = test::TestServer::quiet();
    options.max_connections = cap;
    server = std::make_unique<test::TestServer>(app(), options);
  }
  std::unique_ptr<RawConnection> served_and_kept(const std::string& target = "/hello") {
    auto c = std::make_unique<RawConnection>(server->port());
    c->send(get_request(target));
    auto response = c->read_response();
    EXPECT_TRUE(response && response->result_int() == 200);
    return c;
  }
};

// 1500 clients on a 1024-descriptor server left 491 hanging for the idle timeout. At the cap,
// the longest-idle kept-alive connection makes room for the new one.
TEST_F(ConnectionCap, AtTheCapTheLongestIdleConnectionMakesRoom) {
  start(3);
  auto oldest = served_and_kept();
  auto second = served_and_kept();
  auto third = served_and_kept();
  RawConnection newcomer(server->port());
  newcomer.send(get_request("/hello"));
  auto response = newcomer.read_response();
  ASSERT_TRUE(response) << "the new client was not served at the cap";
  EXPECT_EQ(response->result_int(), 200);
  EXPECT_TRUE(oldest->closed_by_peer()) << "the longest-idle connection was not the one closed";
  second->send(get_request("/hello"));  // the others are still served
  auto still = second->read_response();
  ASSERT_TRUE(still);
  EXPECT_EQ(still->result_int(), 200);
}

TEST_F(ConnectionCap, AtTheCapWithEveryConnectionBusyANewOneIsRefusedAtOnce) {
  start(1);
  RawConnection busy(server->port());
  busy.send(get_request("/hang"));
  ASSERT_TRUE(hang_started->wait());
  RawConnection refused(server->port());  // the kernel accepts; the server closes it at once
  refused.send(get_request("/hello"));
  EXPECT_TRUE(refused.closed_by_peer()) << "a refused client was left waiting";
  EXPECT_FALSE(hang_closed->is_set()) << "the busy connection was closed to make room";
}

TEST(DefaultMaxConnections, IsHalfTheOpenFileLimitLessAReserve) {
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_cur > 128 && limit.rlim_cur != RLIM_INFINITY) {
    EXPECT_EQ(http::default_max_connections(), (limit.rlim_cur - 64) / 2);
  }
  EXPECT_GE(http::default_max_connections(), 16u);
}

}  // namespace
}  // namespace parity
