// The upstream simulator's endpoints, fetched with the core client.

#include "upstream/upstream.hpp"
#include "common/http/client/client.hpp"
#include "tests/support/raw_connection.hpp"

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

// Sends `count` GETs to `target` at once; their statuses (0: no answer within 15 s).
std::vector<unsigned> statuses_at_once(const std::string& target, int count) {
  Loop loop;
  http::Client client(loop.get_executor(), {.max_clients = 0});
  std::vector<unsigned> statuses;
  for (int i = 0; i < count; ++i) {
    client.async_fetch({"GET", target}, {.raise_error = false},
                       [&](boost::system::error_code ec, http::FetchResponse r) {
                         statuses.push_back(ec ? 0 : r.status);
                       });
  }
  auto deadline = Clock::now() + 15s;
  while (static_cast<int>(statuses.size()) < count && Clock::now() < deadline)
    loop.context().run_one_for(10ms);
  return statuses;
}

std::vector<unsigned> at_barrier(const std::string& base, int n, int count) {
  return statuses_at_once(base + "/barrier?n=" + std::to_string(n) + "&timeout_ms=10000", count);
}

TEST_F(UpstreamTest, BarrierReleasesEveryRequestOnceNAreWaiting) {
  EXPECT_EQ(at_barrier(upstream.url(), 3, 3), (std::vector<unsigned>{200, 200, 200}));
  EXPECT_EQ(at_barrier(upstream.url(), 1, 1), (std::vector<unsigned>{200}));
}

TEST_F(UpstreamTest, BarrierFailsALoneRequestWith504SayingHowManyCame) {
  auto response =
      fetch_blocking({"GET", url("/barrier?n=2&timeout_ms=50")}, {.raise_error = false});
  EXPECT_EQ(response.status, 504u);
  EXPECT_NE(response.body.find("only 1 of 2 requests arrived within 50 ms"), std::string::npos)
      << response.body;
  // The one that timed out left: the next pair is released without it.
  EXPECT_EQ(at_barrier(upstream.url(), 2, 2), (std::vector<unsigned>{200, 200}));
}

TEST_F(UpstreamTest, BarrierServesAsTheDelayOfAServiceWhoseUpstreamUrlNamesIt) {
  auto lone = fetch_blocking({"GET", url("/barrier/2/50/delay")}, {.raise_error = false});
  EXPECT_EQ(lone.status, 504u);
  EXPECT_EQ(statuses_at_once(url("/barrier/2/10000/delay"), 2), (std::vector<unsigned>{200, 200}));
}

TEST_F(UpstreamTest, StatsCountsARequestWhoseClientLeftBeforeTheAnswer) {
  auto abandoned = [&] {
    return fetch_blocking({"GET", url("/stats")}).json().at("abandoned").to_number<int>();
  };
  EXPECT_EQ(abandoned(), 0);
  for (const char* target : {"/delay?ms=60000", "/barrier?n=2&timeout_ms=60000"}) {
    test::RawConnection connection(upstream.port());
    connection.send(test::get_request(target));
  }  // closed mid-request: the request's bytes, then the FIN
  auto deadline = Clock::now() + 5s;
  while (abandoned() < 2 && Clock::now() < deadline) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(abandoned(), 2);
  EXPECT_EQ(fetch_blocking({"GET", url("/stats")}).json().at("waiting"), 0);
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
