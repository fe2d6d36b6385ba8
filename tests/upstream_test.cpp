// The upstream simulator's endpoints, fetched with the core client.

#include "upstream/upstream.hpp"
#include "common/http/client.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace parity::upstream {
namespace {

using namespace std::chrono_literals;
using http::fetch_blocking;
using http::FetchErrc;

class UpstreamTest : public ::testing::Test {
 protected:
  EmbeddedUpstream upstream{Options{.latency = 30ms, .jitter = 0ms}};
  std::string url(const std::string& path) { return upstream.url() + path; }
  http::FetchErrc error_of(const std::string& path, std::chrono::milliseconds timeout = 5s) {
    try {
      fetch_blocking({"GET", url(path)}, {.timeout = timeout});
    } catch (const http::FetchError& e) {
      return static_cast<FetchErrc>(e.code().value());
    }
    return FetchErrc{};
  }
};

TEST_F(UpstreamTest, DelayWaitsTheDefaultLatency) {
  auto response = fetch_blocking({"GET", url("/delay")});
  EXPECT_EQ(response.json().at("delay_ms"), 30);
  EXPECT_GE(response.request_time, 30ms);
}

TEST_F(UpstreamTest, DelayWaitsWhatItIsAskedAndEchoesItsArguments) {
  auto response = fetch_blocking({"GET", url("/delay?ms=5&step=2")});
  EXPECT_EQ(response.json().at("delay_ms"), 5);
  EXPECT_EQ(response.json().at("args").at("step"), "2");
}

TEST_F(UpstreamTest, DelayRejectsABadDuration) {
  EXPECT_EQ(error_of("/delay?ms=abc"), FetchErrc::http_status);
  EXPECT_EQ(error_of("/delay?ms=-1"), FetchErrc::http_status);
}

TEST_F(UpstreamTest, StatusAnswersWithTheCodeAsked) {
  auto response = fetch_blocking({"GET", url("/status/418")}, {.raise_error = false});
  EXPECT_EQ(response.status, 418u);
  EXPECT_EQ(fetch_blocking({"GET", url("/status/204")}).status, 204u);
  EXPECT_EQ(error_of("/status/999"), FetchErrc::http_status);
}

TEST_F(UpstreamTest, MalformedIsNotJson) {
  auto response = fetch_blocking({"GET", url("/malformed")});
  EXPECT_EQ(response.status, 200u);
  EXPECT_THROW(response.json(), http::FetchError);
}

TEST_F(UpstreamTest, DropClosesMidBody) {
  EXPECT_EQ(error_of("/drop"), FetchErrc::connection_closed);
}

TEST_F(UpstreamTest, HangNeverAnswers) {
  EXPECT_EQ(error_of("/hang", 100ms), FetchErrc::request_timeout);
}

TEST_F(UpstreamTest, CmdbImportCountsCreatedAndUpdated) {
  auto import = [&](boost::json::value body) {
    return fetch_blocking({"POST", url("/object/host/instance/_import")}, {.json = body}).json();
  };
  auto first = import(boost::json::array{{{"name", "web-1"}}, {{"name", "web-2"}}});
  EXPECT_EQ(first.at("data").at("created"), 2);
  auto second =
      import(boost::json::array{{{"name", "web-2"}, {"ip", "10.0.0.2"}}, {{"name", "web-3"}}});
  EXPECT_EQ(second.at("data").at("created"), 1);
  EXPECT_EQ(second.at("data").at("updated"), 1);
}

TEST_F(UpstreamTest, CmdbSearchMatchesEveryQueriedField) {
  fetch_blocking({"POST", url("/object/host/instance/_import")},
                 {.json = boost::json::array{{{"name", "a"}, {"os", "linux"}},
                                             {{"name", "b"}, {"os", "bsd"}}}});
  auto found = fetch_blocking({"POST", url("/object/host/instance/_search")},
                              {.json = boost::json::value{{"query", {{"os", "linux"}}}}})
                   .json();
  EXPECT_EQ(found.at("data").at("total"), 1);
  EXPECT_EQ(found.at("data").at("list").at(0).at("name"), "a");
  auto other_object = fetch_blocking({"POST", url("/object/switch/instance/_search")},
                                     {.json = boost::json::object{}})
                          .json();
  EXPECT_EQ(other_object.at("data").at("total"), 0);
}

TEST_F(UpstreamTest, CmdbRejectsInvalidInput) {
  try {
    fetch_blocking({"POST", url("/object/host/instance/_import")},
                   {.data = std::string("not json")});
    FAIL();
  } catch (const http::FetchError& e) {
    ASSERT_TRUE(e.response());
    EXPECT_EQ(e.response()->status, 400u);
  }
  try {
    fetch_blocking({"POST", url("/object/host/instance/_import")},
                   {.json = boost::json::array{{{"no_name", 1}}}});
    FAIL();
  } catch (const http::FetchError& e) {
    EXPECT_EQ(e.response()->status, 400u);
  }
}

TEST_F(UpstreamTest, HoldsManyConcurrentDelayedRequestsOnOneThread) {
  // A small version of the 10,000-request check in the closing note: 500 at once, on the
  // upstream's single loop thread, all answered after about one delay.
  Loop loop;
  http::Client client(loop.get_executor(), {.max_clients = 0});
  int ok = 0;
  for (int i = 0; i < 500; ++i) {
    client.async_fetch({"GET", url("/delay?ms=200")}, {.timeout = 20s},
                       [&](boost::system::error_code ec, http::FetchResponse) { ok += !ec; });
  }
  auto deadline = Clock::now() + 30s;
  while (ok < 500 && Clock::now() < deadline) loop.context().run_one_for(10ms);
  EXPECT_EQ(ok, 500);
}

}  // namespace
}  // namespace parity::upstream
