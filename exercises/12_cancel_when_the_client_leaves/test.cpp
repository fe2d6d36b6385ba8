// Exercise 12's parts, as README.md numbers them. exercise.hpp comes from the include path.
//
// Where a client waits, the upstream is a barrier (/barrier/N/T/delay): the handler's call is
// answered only once the test's own requests join it, so the test decides when the answer comes,
// and nothing depends on a clock.

#include <exercise.hpp>  // angle brackets: from the include path, never from beside this file

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <thread>

using parity::exercises::World;
using namespace std::chrono_literals;

namespace {

// Polls one of the upstream's counters until it reaches `wanted`, `patience` at most.
bool wait_for(World& world, const char* stat, std::int64_t wanted,
              std::chrono::milliseconds patience) {
  auto deadline = std::chrono::steady_clock::now() + patience;
  while (world.upstream_stat(stat) < wanted && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  return world.upstream_stat(stat) >= wanted;
}

// A client on a raw socket that sends GET /slow and can hang up without reading anything.
class Leaver {
 public:
  explicit Leaver(unsigned short port) : socket_(io_) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    boost::asio::write(socket_,
                       boost::asio::buffer(std::string("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")));
  }
  void leave() { socket_.close(); }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
};

// A client that waits for its answer, 10 s at most, on a thread of its own.
std::future<parity::http::FetchResponse> wait_for_answer(World& world) {
  return std::async(std::launch::async, [&world] { return world.get("/slow", 10s); });
}

// The test's own requests to the barrier the handler's call waits at: `count` of them open it.
std::vector<std::future<parity::http::FetchResponse>> open_the_gate(World& world,
                                                                    const std::string& barrier,
                                                                    int count) {
  std::vector<std::future<parity::http::FetchResponse>> gate;
  std::string url = world.upstream().url() + barrier + "/delay";
  for (int i = 0; i < count; ++i)
    gate.push_back(std::async(std::launch::async, [url] {
      return parity::http::fetch_blocking({"GET", url}, {.timeout = 5s, .raise_error = false});
    }));
  return gate;
}

std::string said(const parity::http::FetchResponse& r) {
  if (r.status == 0) return "no answer";
  return std::to_string(r.status) + " \"" + r.body.substr(0, 80) + "\"";
}

}  // namespace

TEST(Exercise12, Part1_TheUpstreamHearsWhenTheClientLeaves) {
  World world(exercise::mount);
  Leaver client(world.port());
  REQUIRE_BECAUSE(wait_for(world, "waiting", 1, 5s),
                  "GET /slow never reached the upstream: keep the call to {upstream}/delay");
  client.leave();  // the client goes away while the upstream works
  EXPECT_BECAUSE(wait_for(world, "abandoned", 1, 3s),
                 "the client left, and 3 s later the upstream was still working on its call: "
                 "cancel the call when the connection closes (cancel_on_close)");
}

TEST(Exercise12, Part2_AClientThatWaitsGetsTheAnswer) {
  // The upstream answers once 2 requests wait at the barrier: the handler's, and the test's.
  World world(exercise::mount, "/barrier/2/30000");
  auto answer = wait_for_answer(world);
  REQUIRE_BECAUSE(wait_for(world, "waiting", 1, 5s),
                  "GET /slow never reached the upstream: keep the call to {upstream}/delay");
  // The client stays, and the upstream takes its time (2.5 s here; a minute in real life). Its
  // call must go on as long as the client is there: cancelled with the client, not on a timer.
  auto hold_until = std::chrono::steady_clock::now() + 2500ms;
  bool cancelled = false;
  while (!cancelled && std::chrono::steady_clock::now() < hold_until) {
    cancelled = world.upstream_stat("abandoned") > 0;
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_BECAUSE(!cancelled,
                 "the client was still waiting, and the call to the upstream was cancelled "
                 "anyway: cancel it only when the client goes (cancel_on_close), never on a "
                 "timer or a timeout of your own");
  auto gate = open_the_gate(world, "/barrier/2/30000", 1);
  auto r = answer.get();
  EXPECT_BECAUSE(r.status == 200 && r.body.find(world.nonce()) != std::string::npos,
                 "a client that waited got " << said(r)
                                             << ", not 200 with the upstream's answer relayed"
                                             << world.server_said());
}

TEST(Exercise12, Part3_OfTwoClientsOnlyTheOneThatLeavesIsCancelled) {
  // 3 at the barrier: the call of the client that stays, and 2 of the test's.
  World world(exercise::mount, "/barrier/3/30000");
  Leaver first(world.port());
  REQUIRE_BECAUSE(wait_for(world, "waiting", 1, 5s),
                  "GET /slow never reached the upstream: keep the call to {upstream}/delay");
  auto second = wait_for_answer(world);
  REQUIRE_BECAUSE(wait_for(world, "waiting", 2, 5s),
                  "a second GET /slow, while the first one waited, never reached the upstream");
  first.leave();  // the first client goes; the second stays
  EXPECT_BECAUSE(wait_for(world, "abandoned", 1, 3s),
                 "of two clients, the first left, and 3 s later the upstream was still working "
                 "on both calls: cancel the call when its client's connection closes");
  auto gate = open_the_gate(world, "/barrier/3/30000", 2);
  auto r = second.get();
  EXPECT_BECAUSE(r.status == 200 && r.body.find(world.nonce()) != std::string::npos,
                 "of two clients, only the first left, and the second, which stayed, got "
                     << said(r)
                     << " instead of the upstream's answer: cancel only the call of the client "
                        "that left, with its own handler's close signal (cancel_on_close), not "
                        "a signal the handlers share"
                     << world.server_said());
  EXPECT_BECAUSE(world.upstream_stat("abandoned") == 1,
                 "of two clients, one left, and the upstream counted "
                     << world.upstream_stat("abandoned") << " calls abandoned, not 1");
}

TEST(Exercise12, Part4_AnUpstreamThatFailsIs502) {
  // Two ways to fail: nobody listens (the call fails at once), and an error status (504: the
  // barrier waited 1 ms alone).
  const std::string failing[] = {parity::exercises::closed_upstream(), "/barrier/2/1"};
  for (const auto& upstream : failing) {
    World world(exercise::mount, upstream);
    auto r = world.get("/slow", 5s);
    EXPECT_BECAUSE(r.status == 502,
                   "with an upstream that fails ("
                       << (upstream.starts_with("http") ? "nothing listens" : "it answers 504")
                       << "), GET /slow got " << said(r)
                       << ", not 502: answer send_error(502) when the call "
                          "fails, and do not return without an answer"
                       << world.server_said());
  }
}
