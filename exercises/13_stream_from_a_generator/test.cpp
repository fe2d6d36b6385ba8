// Exercise 13's parts, as README.md numbers them. exercise.hpp comes from the include path.

#include <exercise.hpp>  // angle brackets: from the include path, never from beside this file

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

using parity::exercises::World;

namespace {

// One line as it arrived: when the client read it, when the server made it.
struct Arrival {
  double read_at = 0;
  double made_at = 0;
};

// GET /lines on a raw socket, noting when each line's bytes arrived (5 s at most).
std::vector<Arrival> read_lines(unsigned short port) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  boost::asio::write(socket,
                     boost::asio::buffer(std::string("GET /lines HTTP/1.1\r\nHost: x\r\n\r\n")));
  std::vector<Arrival> arrivals;
  std::string data;
  std::size_t scanned = 0;
  auto deadline = exercise::now_ms() + 5000;
  while (exercise::now_ms() < deadline && arrivals.size() < 4) {
    char buffer[4096];
    boost::system::error_code ec;
    auto n = socket.read_some(boost::asio::buffer(buffer), ec);
    double now = exercise::now_ms();
    data.append(buffer, n);
    for (auto at = data.find("{\"line\"", scanned); at != std::string::npos;
         at = data.find("{\"line\"", scanned)) {
      auto end = data.find('}', at);
      if (end == std::string::npos) break;
      auto line = boost::json::parse(data.substr(at, end - at + 1));
      arrivals.push_back({now, line.at("at").to_number<double>()});
      scanned = end + 1;
    }
    if (ec) break;
  }
  return arrivals;
}

}  // namespace

TEST(Exercise13, Part1_AllFourLinesArrive) {
  World world(exercise::mount);
  auto arrivals = read_lines(world.port());
  EXPECT_BECAUSE(arrivals.size() == 4,
                 "GET /lines sent " << arrivals.size() << " of the generator's 4 lines");
}

TEST(Exercise13, Part2_EachLineLeavesWhenItIsMade) {
  World world(exercise::mount);
  auto arrivals = read_lines(world.port());
  REQUIRE_BECAUSE(arrivals.size() == 4, "GET /lines sent " << arrivals.size() << " of 4 lines");
  // Causality, not speed: a line sent when made reaches the client before the next is made.
  EXPECT_BECAUSE(arrivals[2].read_at < arrivals[3].made_at,
                 "line 3 reached the client only after line 4 was made: the lines waited for "
                 "each other. Write and flush each line as the generator yields it.");
}
