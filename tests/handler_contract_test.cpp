// The handler contract, as Tornado's _execute: a void method is finished when it returns unless
// its class is asynchronous; an awaitable method is finished when it completes; every exception
// takes one path; a handler let go of before finish() answers 500 and says so in the log.

#include "tests/support/event.hpp"
#include "tests/support/log_capture.hpp"
#include "tests/support/raw_connection.hpp"
#include "tests/support/test_server.hpp"

#include <gtest/gtest.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace parity {
namespace {

using namespace std::chrono_literals;
using boost::system::error_code;

// Only write()s: the first mistake every student makes, which Tornado forgives.
class WritesOnlyHandler : public http::RequestHandler {
 public:
  void get() { write("written, never finished"); }
};

// Declared asynchronous: get() returning must not finish the request; the timer's callback does.
class LaterHandler : public http::RequestHandler {
 public:
  static constexpr bool asynchronous = true;
  void get() {
    timer_.emplace(get_executor(), 20ms);
    timer_->async_wait(async_callback([this](error_code) { finish("finished later"); }));
  }

 private:
  std::optional<asio::steady_timer> timer_;
};

// A coroutine method that never calls finish(): its return finishes the request.
class AwaitingHandler : public http::RequestHandler {
 public:
  asio::awaitable<void> get() {
    asio::steady_timer timer(get_executor(), 20ms);
    co_await timer.async_wait(asio::use_awaitable);
    write("after co_await");
  }
};

// Throws from where ?in= says, what ?kind= says (an HttpError 418 or a plain exception).
class ThrowingHandler : public http::RequestHandler {
 public:
  static constexpr bool asynchronous = true;
  void get() {
    if (query_argument("in") == "callback") {
      timer_.emplace(get_executor(), 1ms);
      timer_->async_wait(async_callback([this](error_code) { fail(); }));
      return;
    }
    fail();
  }
  asio::awaitable<void> post() {
    asio::steady_timer timer(get_executor(), 1ms);
    co_await timer.async_wait(asio::use_awaitable);
    fail();
  }

 private:
  void fail() {
    if (query_argument("kind") == "http") throw http::HttpError(418, "short and stout");
    throw std::runtime_error("secret detail /srv/private");
  }
  std::optional<asio::steady_timer> timer_;
};

// Asynchronous, and forgets: with nothing pending (?how=nothing), or in its last callback.
class ForgetfulHandler : public http::RequestHandler {
 public:
  static constexpr bool asynchronous = true;
  void get() {
    if (query_argument("how") == "nothing") return;
    timer_.emplace(get_executor(), 10ms);
    timer_->async_wait(async_callback([this](error_code) { write("forgot to finish"); }));
  }

 private:
  std::optional<asio::steady_timer> timer_;
};

// Calls finish() from a thread of its own (?from=thread) or from the loop's thread but outside
// the strand, as a callback passed to an operation without async_callback() runs (?from=loop).
// `let_go` is set once its thread has let go of the handler: the test waits for it, so that the
// handler is never destroyed on that thread after the server has gone.
class ForeignThreadHandler : public http::RequestHandler {
 public:
  static constexpr bool asynchronous = true;
  explicit ForeignThreadHandler(std::shared_ptr<test::Event> let_go) : let_go_(std::move(let_go)) {}
  void get() {
    if (query_argument("from") == "loop") {
      timer_.emplace(get_executor().get_inner_executor(), 1ms);  // the loop, not the strand
      timer_->async_wait(
          [self = shared_from_this(), this](error_code) { finish("from the loop"); });
      return;
    }
    std::thread([self = shared_from_this(), this, let_go = let_go_]() mutable {
      finish("from a thread");
      self.reset();
      let_go->set();
    }).detach();
  }

 private:
  std::shared_ptr<test::Event> let_go_;
  std::optional<asio::steady_timer> timer_;
};

// Not declared asynchronous, yet answers from a callback: the flag is forgotten.
class UndeclaredHandler : public http::RequestHandler {
 public:
  void get() {
    timer_.emplace(get_executor(), 1ms);
    timer_->async_wait(async_callback([this](error_code) { finish("too late"); }));
  }

 private:
  std::optional<asio::steady_timer> timer_;
};

// Waits far longer than any test; tells when its co_await was cancelled.
class CancelledHandler : public http::RequestHandler {
 public:
  CancelledHandler(std::shared_ptr<test::Event> started, std::shared_ptr<test::Event> cancelled)
      : started_(std::move(started)), cancelled_(std::move(cancelled)) {}
  asio::awaitable<void> get() {
    asio::steady_timer timer(get_executor(), 1h);
    started_->set();
    try {
      co_await timer.async_wait(asio::use_awaitable);
    } catch (const boost::system::system_error& e) {
      if (e.code() == asio::error::operation_aborted) cancelled_->set();
      throw;
    }
  }

 private:
  std::shared_ptr<test::Event> started_;
  std::shared_ptr<test::Event> cancelled_;
};

using test::LogCapture;

class HandlerContract : public ::testing::Test {
 protected:
  std::shared_ptr<test::Event> started = std::make_shared<test::Event>();
  std::shared_ptr<test::Event> cancelled = std::make_shared<test::Event>();
  std::shared_ptr<test::Event> let_go = std::make_shared<test::Event>();
  LogCapture log;  // before the server: the server's threads log into it until they stop
  test::TestServer server{[this] {
    auto app = std::make_shared<http::Application>();
    app->add<WritesOnlyHandler>("/writes-only")
        .add<LaterHandler>("/later")
        .add<AwaitingHandler>("/awaiting")
        .add<ThrowingHandler>("/throw", "throw")
        .add<ForgetfulHandler>("/forgetful")
        .add<ForeignThreadHandler>("/foreign", "", let_go)
        .add<UndeclaredHandler>("/undeclared")
        .add<CancelledHandler>("/cancelled", "", started, cancelled);
    return app;
  }()};

  http::Response request(const std::string& target, const std::string& method = "GET") {
    test::RawConnection c(server.port());
    c.send(method + " " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    auto response = c.read_response(5s);
    if (!response) throw std::runtime_error("no answer to " + target + " within 5 s");
    return *response;
  }
};

TEST_F(HandlerContract, AVoidMethodIsFinishedWhenItReturns) {
  auto response = request("/writes-only");
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "written, never finished");
}

TEST_F(HandlerContract, AnAsynchronousHandlerIsNotFinishedWhenItsMethodReturns) {
  auto response = request("/later");
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "finished later");
}

TEST_F(HandlerContract, AnAwaitableMethodIsFinishedWhenItCompletes) {
  auto response = request("/awaiting");
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "after co_await");
}

TEST_F(HandlerContract, AnHttpErrorGivesItsStatusFromEveryKindOfMethod) {
  EXPECT_EQ(request("/throw?kind=http").result_int(), 418);              // void method
  EXPECT_EQ(request("/throw?kind=http&in=callback").result_int(), 418);  // async_callback
  EXPECT_EQ(request("/throw?kind=http", "POST").result_int(), 418);      // awaitable method
  EXPECT_NE(request("/throw?kind=http").body().find("short and stout"), std::string::npos);
}

TEST_F(HandlerContract, AnyOtherExceptionIs500WithOneLogLineAndNoDetailForTheClient) {
  for (const auto& [target, method] :
       {std::pair{"/throw", "GET"}, std::pair{"/throw?in=callback", "GET"},
        std::pair{"/throw", "POST"}}) {
    auto response = request(target, method);
    EXPECT_EQ(response.result_int(), 500) << method << " " << target;
    EXPECT_EQ(response.body().find("secret"), std::string::npos) << response.body();
    EXPECT_EQ(response.body().find("/srv"), std::string::npos) << response.body();
    auto lines = log.containing(std::string(method) + " " + target + " (route /throw, ");
    ASSERT_EQ(lines.size(), 1u) << method << " " << target;
    EXPECT_NE(lines[0].find("ThrowingHandler"), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find("secret detail"), std::string::npos) << lines[0];
  }
}

TEST_F(HandlerContract, AHandlerLetGoOfWithNothingPendingAnswers500AndLogsIt) {
  auto response = request("/forgetful?how=nothing");
  EXPECT_EQ(response.result_int(), 500);
  auto lines = log.containing("GET /forgetful?how=nothing");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("ForgetfulHandler"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("without finish() being called"), std::string::npos) << lines[0];
}

TEST_F(HandlerContract, AHandlerWhoseLastCallbackForgetsToFinishAnswers500AndLogsIt) {
  auto response = request("/forgetful");
  EXPECT_EQ(response.result_int(), 500);
  EXPECT_EQ(response.body().find("forgot"), std::string::npos);  // what was written is dropped
  auto lines = log.containing("without finish() being called");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("GET /forgetful (route /forgetful, "), std::string::npos) << lines[0];
}

TEST_F(HandlerContract, FinishFromAnotherThreadIsRefusedWith500AndALogLineNamingTheRule) {
  for (std::string from : {"thread", "loop"}) {
    auto response = request("/foreign?from=" + from);
    EXPECT_EQ(response.result_int(), 500) << from;
    EXPECT_EQ(response.body().find("from a"), std::string::npos) << from;
    EXPECT_EQ(response.body().find("from the"), std::string::npos) << from;
    auto lines = log.containing("GET /foreign?from=" + from);
    ASSERT_EQ(lines.size(), 1u) << from;
    EXPECT_NE(lines[0].find("ForeignThreadHandler"), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find("finish() was called outside the handler's strand"), std::string::npos)
        << lines[0];
    EXPECT_NE(lines[0].find("Answered 500."), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find("async_callback(...)"), std::string::npos) << lines[0];
  }
  EXPECT_TRUE(let_go->wait());
}

TEST_F(HandlerContract, AnAsyncCallbackFromAClassNotDeclaredAsynchronousIs500NamingTheFlag) {
  auto response = request("/undeclared");
  EXPECT_EQ(response.result_int(), 500);
  EXPECT_EQ(response.body().find("too late"), std::string::npos);
  auto lines = log.containing("GET /undeclared");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("UndeclaredHandler made an async_callback() but is not declared "
                          "asynchronous"),
            std::string::npos)
      << lines[0];
  EXPECT_NE(lines[0].find("static constexpr bool asynchronous = true;"), std::string::npos)
      << lines[0];
}

TEST_F(HandlerContract, TheConnectionStaysUsableAfterAnUnfinishedHandler) {
  test::RawConnection c(server.port());
  c.send(test::get_request("/forgetful?how=nothing"));
  auto first = c.read_response();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->result_int(), 500);
  c.send(test::get_request("/writes-only"));
  auto second = c.read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->result_int(), 200);
}

TEST_F(HandlerContract, AnAwaitableMethodIsCancelledWhenTheClientGoesAway) {
  test::RawConnection c(server.port());
  c.send(test::get_request("/cancelled"));
  ASSERT_TRUE(started->wait());
  c.close();
  EXPECT_TRUE(cancelled->wait()) << "the coroutine's co_await was never cancelled";
  EXPECT_TRUE(log.containing("uncaught exception").empty());  // a cancellation is no error
}

}  // namespace
}  // namespace parity
