// Exercise 12's parts, as README.md numbers them. exercise.hpp comes from the include path.

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

}  // namespace

TEST(Exercise12, Part1_TheUpstreamHearsWhenTheClientLeaves) {
  World world(exercise::mount);
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket client(io);
  client.connect({boost::asio::ip::make_address("127.0.0.1"), world.port()});
  boost::asio::write(client,
                     boost::asio::buffer(std::string("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")));
  REQUIRE_BECAUSE(wait_for(world, "waiting", 1, 5s),
                  "GET /slow never reached the upstream: keep the call to {upstream}/delay");
  client.close();  // the client goes away while the upstream works
  EXPECT_BECAUSE(wait_for(world, "abandoned", 1, 3s),
                 "the client left, and 3 s later the upstream was still working on its call: "
                 "cancel the call when the connection closes (cancel_on_close)");
}
