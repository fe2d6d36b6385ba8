// The HTTP client: requests-style options, the ways a fetch fails, max_clients queueing,
// keep-alive reuse, every completion token, cancellation, and the blocking twin.

#include "common/http/client/client.hpp"
#include "tests/support/event.hpp"
#include "tests/support/refused_port.hpp"
#include "tests/support/test_server.hpp"
#include "tests/test_handlers.hpp"
#include "upstream/upstream.hpp"

#include <gtest/gtest.h>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <future>

namespace parity::http {
namespace {

using namespace std::chrono_literals;
using boost::system::error_code;

// The upstream simulator and an echo route, served together.
std::shared_ptr<Application> upstream_and_echo() {
  auto app = upstream::make_application({.latency = 10ms, .jitter = 0ms});
  app->add<test::EchoHandler>("/echo", "echo");
  return app;
}

class ClientTest : public ::testing::Test {
 protected:
  test::TestServer server{upstream_and_echo()};
  Loop loop;  // the client's own loop, run by the test thread via run_sync

  // Fetches on `client` and waits for the outcome.
  std::pair<error_code, FetchResponse> fetch(Client& client, FetchRequest request,
                                             FetchOptions options = {}) {
    std::promise<std::pair<error_code, FetchResponse>> done;
    client.async_fetch(std::move(request), std::move(options), [&](error_code ec, FetchResponse r) {
      done.set_value({ec, std::move(r)});
    });
    auto outcome = done.get_future();
    loop.context().restart();  // an io_context that ran out of work stays stopped until then
    while (outcome.wait_for(0s) != std::future_status::ready) loop.context().run_one_for(10ms);
    return outcome.get();
  }
};

TEST_F(ClientTest, ParamsArePercentEncodedIntoTheQuery) {
  Client client(loop.get_executor());
  auto [ec, r] = fetch(client, {"GET", server.url("/delay?ms=1")},
                       {.params = {{"q", "a b&c=d"}, {"x", "\xC3\xBC/?"}}});
  ASSERT_FALSE(ec) << ec.message();
  auto args = r.json().at("args");
  EXPECT_EQ(args.at("q"), "a b&c=d");
  EXPECT_EQ(args.at("x"), "\xC3\xBC/?");
  EXPECT_EQ(args.at("ms"), "1");
}

TEST_F(ClientTest, JsonBodyIsSerialisedWithItsContentType) {
  Client client(loop.get_executor());
  auto [ec, r] =
      fetch(client, {"POST", server.url("/echo")}, {.json = boost::json::value{{"k", 1}}});
  ASSERT_FALSE(ec) << ec.message();
  auto echo = r.json();
  EXPECT_EQ(echo.at("content_type"), "application/json");
  EXPECT_EQ(boost::json::parse(echo.at("body").as_string()), (boost::json::value{{"k", 1}}));
}

TEST_F(ClientTest, FormDataIsUrlEncoded) {
  Client client(loop.get_executor());
  auto [ec, r] = fetch(client, {"POST", server.url("/echo")},
                       {.data = ArgumentList{{"a", "x y"}, {"b", "&="}}});
  ASSERT_FALSE(ec) << ec.message();
  auto echo = r.json();
  EXPECT_EQ(echo.at("content_type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(echo.at("args").at("a"), "x y");
  EXPECT_EQ(echo.at("args").at("b"), "&=");
}

TEST_F(ClientTest, RawDataAndHeadersAreSentAsGiven) {
  Client client(loop.get_executor());
  auto [ec, r] =
      fetch(client, {"PUT", server.url("/echo")},
            {.data = std::string("raw bytes"), .headers = {{"Content-Type", "text/x-mine"}}});
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(r.json().at("body"), "raw bytes");
  EXPECT_EQ(r.json().at("content_type"), "text/x-mine");
}

TEST_F(ClientTest, ConnectionRefusedIsConnectFailed) {
  test::RefusedPort refused;
  Client client(loop.get_executor());
  auto [ec, r] = fetch(client, {"GET", refused.url() + "/"});
  EXPECT_EQ(ec, FetchErrc::connect_failed);
}

TEST_F(ClientTest, NoAnswerInTimeIsRequestTimeout) {
  Client client(loop.get_executor());
  auto [ec, r] = fetch(client, {"GET", server.url("/hang")}, {.timeout = 100ms});
  EXPECT_EQ(ec, FetchErrc::request_timeout);
  EXPECT_TRUE(is_timeout(ec));
}

TEST_F(ClientTest, ErrorStatusFailsWithTheResponseAttached) {
  Client client(loop.get_executor());
  auto [ec, r] = fetch(client, {"GET", server.url("/status/503")});
  EXPECT_EQ(ec, FetchErrc::http_status);
  EXPECT_EQ(r.status, 503u);
  auto [ok, r2] = fetch(client, {"GET", server.url("/status/404")}, {.raise_error = false});
  EXPECT_FALSE(ok);
  EXPECT_EQ(r2.status, 404u);
}

TEST_F(ClientTest, MalformedJsonBodyIsInvalidJson) {
  Client client(loop.get_executor());
  auto [ec, r] = fetch(client, {"GET", server.url("/malformed")});
  ASSERT_FALSE(ec);
  try {
    r.json();
    FAIL() << "json() accepted a malformed body";
  } catch (const FetchError& e) {
    EXPECT_EQ(e.code(), FetchErrc::invalid_json);
  }
}

TEST_F(ClientTest, ConnectionDroppedMidBodyIsConnectionClosed) {
  Client client(loop.get_executor());
  auto [ec, r] = fetch(client, {"GET", server.url("/drop")});
  EXPECT_EQ(ec, FetchErrc::connection_closed);
}

TEST_F(ClientTest, InvalidUrlIsRefusedUpFront) {
  Client client(loop.get_executor());
  EXPECT_EQ(fetch(client, {"GET", "ftp://127.0.0.1/x"}).first, FetchErrc::invalid_url);
  EXPECT_EQ(fetch(client, {"GET", "not a url"}).first, FetchErrc::invalid_url);
  EXPECT_EQ(fetch(client, {"GET", "http://127.0.0.1:99999/"}).first, FetchErrc::invalid_url);
}

TEST_F(ClientTest, MaxClientsQueuesTheRest) {
  Client client(loop.get_executor(), {.max_clients = 2});
  int completed = 0;
  for (int i = 0; i < 4; ++i) {
    client.async_fetch({"GET", server.url("/delay?ms=300")}, {}, [&](error_code ec, FetchResponse) {
      EXPECT_FALSE(ec) << ec.message();
      ++completed;
    });
  }
  bool saw_two_and_two = false;
  auto deadline = Clock::now() + 10s;
  loop.context().restart();
  while (completed < 4 && Clock::now() < deadline) {
    loop.context().run_one_for(5ms);
    if (client.active() == 2 && client.queued() == 2) saw_two_and_two = true;
  }
  EXPECT_TRUE(saw_two_and_two);
  EXPECT_EQ(completed, 4);
  EXPECT_EQ(client.active(), 0u);
}

TEST_F(ClientTest, WaitingInTheQueueCountsAgainstTheTimeout) {
  Client client(loop.get_executor(), {.max_clients = 1});
  client.async_fetch({"GET", server.url("/delay?ms=500")}, {}, [](error_code, FetchResponse) {});
  auto [ec, r] = fetch(client, {"GET", server.url("/delay?ms=1")}, {.timeout = 100ms});
  EXPECT_EQ(ec, FetchErrc::queue_timeout);
}

TEST_F(ClientTest, KeepAliveReusesTheConnection) {
  Client client(loop.get_executor());
  ASSERT_FALSE(fetch(client, {"GET", server.url("/delay?ms=1")}).first);
  ASSERT_FALSE(fetch(client, {"GET", server.url("/delay?ms=1")}).first);
  ASSERT_FALSE(fetch(client, {"GET", server.url("/delay?ms=1")}).first);
  EXPECT_EQ(server.server().connection_count(), 1u);
}

TEST_F(ClientTest, WithoutKeepAliveEachFetchHasItsOwnConnection) {
  Client client(loop.get_executor(), {.keep_alive = false});
  for (int i = 0; i < 3; ++i) {
    auto [ec, response] = fetch(client, {"GET", server.url("/delay?ms=1")});
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(response.headers[bhttp::field::connection], "close") << "asked to close, it did";
  }
  EXPECT_TRUE(test::eventually([&] { return server.server().connection_count() == 0; }));
}

TEST_F(ClientTest, SingleThreadedClientFetchesLikeAnyOther) {
  Client client(loop.get_executor(), {.max_clients = 1, .single_threaded = true});
  client.async_fetch({"GET", server.url("/delay?ms=50")}, {}, [](error_code, FetchResponse) {});
  auto [ec, response] = fetch(client, {"GET", server.url("/delay?ms=1")});
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(response.status, 200u);
}

// A coroutine is a free function taking its inputs as parameters: GCC 12 mishandles lambdas
// that capture and are coroutines.
asio::awaitable<unsigned> status_of(Client& client, std::string url) {
  FetchRequest request{"GET", url};
  FetchOptions options;
  auto response = co_await client.async_fetch(request, options, asio::use_awaitable);
  co_return response.status;
}

TEST_F(ClientTest, UseAwaitableTokenReturnsTheResponse) {
  Client client(loop.get_executor());
  auto url = server.url("/delay?ms=1");
  EXPECT_EQ(loop.run_sync([&client, url] { return status_of(client, url); }, 5s), 200u);
}

TEST_F(ClientTest, UseAwaitableTokenThrowsTheFetchErrorThatFetchBlockingThrows) {
  Client client(loop.get_executor());
  auto url = server.url("/status/500");
  try {
    loop.run_sync([&client, url] { return status_of(client, url); }, 5s);
    FAIL() << "no exception";
  } catch (const FetchError& e) {  // the catch lesson 05.1 and the styles write
    EXPECT_EQ(e.code(), FetchErrc::http_status);
    ASSERT_TRUE(e.response());
    EXPECT_EQ(e.response()->status, 500u);
  }
}

// The fetch against a timer: true if the timer won, which cancels the fetch through the
// coroutine's cancellation slot (kept by the wrapper that makes co_await throw FetchError).
asio::awaitable<bool> timer_wins(Client& client, std::string url) {
  using namespace asio::experimental::awaitable_operators;
  FetchRequest request{"GET", url};
  FetchOptions options;
  options.timeout = 10s;
  asio::steady_timer timer(co_await asio::this_coro::executor, 50ms);
  auto fetch = client.async_fetch(request, options, asio::use_awaitable);
  auto wait = timer.async_wait(asio::use_awaitable);
  auto either = std::move(fetch) || std::move(wait);
  auto which = co_await std::move(either);
  co_return which.index() == 1;
}

TEST_F(ClientTest, AnAwaitedFetchIsCancelledWhenTheCoroutineIsCancelled) {
  Client client(loop.get_executor());
  auto url = server.url("/hang");
  EXPECT_TRUE(loop.run_sync([&client, url] { return timer_wins(client, url); }, 5s));
  loop.context().restart();
  auto deadline = Clock::now() + 5s;
  while (client.active() > 0 && Clock::now() < deadline) loop.context().run_one_for(10ms);
  EXPECT_EQ(client.active(), 0u);  // the cancelled fetch let go of its slot
}

TEST_F(ClientTest, CancellationSlotAbortsTheFetch) {
  Client client(loop.get_executor());
  asio::cancellation_signal cancel;
  std::optional<error_code> outcome;
  client.async_fetch({"GET", server.url("/hang")}, {.timeout = 10s},
                     asio::bind_cancellation_slot(
                         cancel.slot(), [&](error_code ec, FetchResponse) { outcome = ec; }));
  loop.call_later(50ms, [&] { cancel.emit(asio::cancellation_type::terminal); });
  auto deadline = Clock::now() + 5s;
  while (!outcome && Clock::now() < deadline) loop.context().run_one_for(10ms);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(*outcome, asio::error::operation_aborted);
}

TEST_F(ClientTest, FetchBlockingReturnsOrThrows) {
  auto response = fetch_blocking({"GET", server.url("/delay?ms=1")});
  EXPECT_EQ(response.status, 200u);
  try {
    fetch_blocking({"GET", server.url("/status/502")});
    FAIL() << "no exception";
  } catch (const FetchError& e) {
    EXPECT_EQ(e.code(), FetchErrc::http_status);
    ASSERT_TRUE(e.response());
    EXPECT_EQ(e.response()->status, 502u);
  }
  EXPECT_THROW(fetch_blocking({"GET", server.url("/hang")}, {.timeout = 50ms}), FetchError);
}

TEST_F(ClientTest, FetchBlockingReallyBlocksTheCallingThread) {
  auto before = Clock::now();
  fetch_blocking({"GET", server.url("/delay?ms=100")});
  EXPECT_GE(Clock::now() - before, 100ms);
}

}  // namespace
}  // namespace parity::http
