// Exercise 08's parts, as README.md numbers them. exercise.hpp comes from the include path.

#include <exercise.hpp>  // angle brackets: from the include path, never from beside this file

#include <thread>

using parity::exercises::World;
using namespace std::chrono_literals;

TEST(Exercise08, Part1_APingIsAnsweredWhileTheCrunchRuns) {
  World world(exercise::mount);
  // The crunch spins until the test releases it (3 s at most); the test releases it only once
  // /ping has been answered. So /crunch finishes early only if /ping got through meanwhile.
  auto crunch = std::async(std::launch::async, [&] { return world.get("/crunch", 10s); });
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!world.library().crunching() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  auto ping = world.get("/ping", 10s);
  world.library().release();
  auto crunched = crunch.get();
  REQUIRE_BECAUSE(ping.status == 200,
                  "GET /ping answered " << ping.status << world.server_said());
  REQUIRE_BECAUSE(crunched.status == 200,
                  "GET /crunch answered " << crunched.status << ": " << crunched.body
                                          << world.server_said());
  EXPECT_BECAUSE(crunched.body == R"({"gave_up":false})",
                 "GET /ping was answered only after the crunch gave up: the CPU work held the "
                 "loop's thread. Run it on the pool.");
}
