// One loop on several threads, under load, loses nothing: clients that connect and send at once
// all get their 200, and clients that hang up in the middle of an upstream fetch neither crash
// the server nor disturb the others. Run on 2 and 4 threads for each async style; `make sanitize`
// runs it under ASan and TSan too.

#include "app/service_thread.hpp"
#include "tests/support/raw_connection.hpp"
#include "upstream/upstream.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <tuple>
#include <vector>

namespace parity {
namespace {

using namespace std::chrono_literals;

class LoadTest : public ::testing::TestWithParam<std::tuple<unsigned, std::string>> {
 protected:
  unsigned threads() const { return std::get<0>(GetParam()); }
  std::string style() const { return std::get<1>(GetParam()); }
};

TEST_P(LoadTest, EveryClientThatWaitsGets200AndHangUpsDoNoHarm) {
  upstream::EmbeddedUpstream upstream{upstream::Options{.latency = 20ms, .jitter = 0ms}};
  app::ServiceThread service{{.upstream_url = upstream.url(), .max_clients = 0}, threads()};
  const std::string fetch = test::get_request("/" + style() + "/fetch?format=json");
  constexpr int kRounds = 4, kWaiting = 48, kHangingUp = 24;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<std::unique_ptr<test::RawConnection>> waiting, hanging_up;
    for (int i = 0; i < kWaiting + kHangingUp; ++i) {
      auto c = std::make_unique<test::RawConnection>(service.port());
      c->send(fetch);  // connect and send at once, as wrk does
      (i % 3 == 2 ? hanging_up : waiting).push_back(std::move(c));
    }
    // A third hang up at once; the rest one by one while the answers arrive, so that some go
    // just as their fetch completes (where a cancellation races the completion).
    std::size_t closed = 0;
    for (; closed < hanging_up.size() / 3; ++closed) hanging_up[closed]->close();
    int answered = 0;
    for (auto& c : waiting) {
      if (closed < hanging_up.size()) hanging_up[closed++]->close();
      auto response = c->read_response(10s);
      ASSERT_TRUE(response) << "round " << round << ": a client that waited got no answer (the "
                            << "server closed its connection as if it had gone away?)";
      EXPECT_EQ(response->result_int(), 200) << response->body();
      ++answered;
    }
    EXPECT_EQ(answered, kWaiting);
  }
  test::RawConnection last(service.port());
  last.send(test::get_request("/" + style() + "/hello"));
  auto response = last.read_response(10s);
  ASSERT_TRUE(response) << "the server did not survive the clients that hung up";
  EXPECT_EQ(response->result_int(), 200);
}

INSTANTIATE_TEST_SUITE_P(ThreadsAndStyles, LoadTest,
                         ::testing::Combine(::testing::Values(2u, 4u),
                                            ::testing::Values("callback", "future", "coroutine",
                                                              "threadpool")),
                         [](const auto& info) {
                           return std::get<1>(info.param) + "_on_" +
                                  std::to_string(std::get<0>(info.param)) + "_threads";
                         });

}  // namespace
}  // namespace parity
