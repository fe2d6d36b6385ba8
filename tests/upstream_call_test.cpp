// The demo's upstream calls complete as the client's async_fetch does, void(error_code, answer),
// and every way of waiting that throws sees the same http::FetchError, with what the upstream
// said attached.

#include "app/demo/upstream_api.hpp"
#include "common/future/use_future.hpp"
#include "tests/support/test_server.hpp"
#include "tests/test_handlers.hpp"
#include "upstream/upstream.hpp"

#include <gtest/gtest.h>
#include <boost/asio/use_awaitable.hpp>

#include <optional>

namespace parity::demo {
namespace {

using namespace std::chrono_literals;
using boost::system::error_code;

std::shared_ptr<http::Application> upstream_with_a_text_error_page() {
  auto app = upstream::make_application({.latency = 1ms, .jitter = 0ms});
  app->add<test::PlainErrorHandler>("/plain_error", "plain_error");  // 409 "custom error 409"
  return app;
}

class UpstreamCallTest : public ::testing::Test {
 protected:
  test::TestServer server{upstream_with_a_text_error_page()};
  Loop loop;
  http::Client client{loop.get_executor()};

  UpstreamCall call(std::string path) { return {{"GET", server.url(path)}, {.timeout = 5s}}; }

  // Runs the loop until `done` holds or five seconds have passed.
  template <class Done>
  void run_until(Done done) {
    auto deadline = Clock::now() + 5s;
    while (!done() && Clock::now() < deadline) loop.context().run_one_for(10ms);
  }
};

TEST_F(UpstreamCallTest, ACallbackGetsTheCodeAndTheUpstreamsJsonAnswer) {
  std::optional<std::pair<error_code, UpstreamAnswer>> outcome;
  async_json_call(client, call("/status/500"),
                  [&](error_code ec, UpstreamAnswer answer) { outcome.emplace(ec, answer); });
  run_until([&] { return outcome.has_value(); });
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->first, http::FetchErrc::http_status);
  EXPECT_EQ(outcome->second.status, 500u);
  EXPECT_EQ(outcome->second.body, (boost::json::value{{"status", 500}}));
}

TEST_F(UpstreamCallTest, AnErrorPageThatIsNotJsonArrivesAsItsText) {
  std::optional<std::pair<error_code, UpstreamAnswer>> outcome;
  async_json_call(client, call("/plain_error"),
                  [&](error_code ec, UpstreamAnswer answer) { outcome.emplace(ec, answer); });
  run_until([&] { return outcome.has_value(); });
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->first, http::FetchErrc::http_status);
  EXPECT_EQ(outcome->second.status, 409u);
  EXPECT_EQ(outcome->second.body, "custom error 409");
}

asio::awaitable<UpstreamAnswer> awaited_call(http::Client& client, UpstreamCall call) {
  auto answer = co_await async_json_call(client, std::move(call), asio::use_awaitable);
  co_return answer;
}

TEST_F(UpstreamCallTest, CoAwaitThrowsTheFetchErrorWithTheUpstreamsAnswer) {
  auto failing = call("/status/502");
  try {
    loop.run_sync([this, failing] { return awaited_call(client, failing); }, 5s);
    FAIL() << "no exception";
  } catch (const http::FetchError& e) {
    EXPECT_EQ(e.code(), http::FetchErrc::http_status);
    ASSERT_TRUE(e.response());
    EXPECT_EQ(e.response()->status, 502u);
    EXPECT_EQ(boost::json::parse(e.response()->body), (boost::json::value{{"status", 502}}));
  }
}

TEST_F(UpstreamCallTest, AFuturesResultThrowsTheSameFetchError) {
  Future<UpstreamAnswer> reply =
      async_json_call(client, call("/plain_error"), use_future(loop.get_executor()));
  run_until([&] { return reply.done(); });
  ASSERT_TRUE(reply.done());
  try {
    reply.result();
    FAIL() << "no exception";
  } catch (const http::FetchError& e) {
    EXPECT_EQ(e.code(), http::FetchErrc::http_status);
    ASSERT_TRUE(e.response());
    EXPECT_EQ(e.response()->status, 409u);
    EXPECT_EQ(e.response()->body, "custom error 409");
  }
}

TEST_F(UpstreamCallTest, ASuccessfulBodyThatIsNotJsonIsInvalidJson) {
  std::optional<error_code> code;
  async_json_call(client, call("/malformed"), [&](error_code ec, UpstreamAnswer) { code = ec; });
  run_until([&] { return code.has_value(); });
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, http::FetchErrc::invalid_json);
  EXPECT_THROW(json_call_blocking(call("/malformed")), http::FetchError);
}

}  // namespace
}  // namespace parity::demo
