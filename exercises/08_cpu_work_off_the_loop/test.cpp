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

TEST(Exercise08, Part2_ACrunchNobodyReleasesGivesUp) {
  // Two servers, each with a library of its own. The first one's crunch is released before it
  // starts, so it ends at once; the second one's is never released, so it spins its 3 s and gives
  // up. Each /crunch answers what its own crunch returned.
  World first(exercise::mount);
  first.library().release();
  auto released = first.get("/crunch", 10s);
  REQUIRE_BECAUSE(released.status == 200, "GET /crunch answered " << released.status << ": "
                                                                  << released.body
                                                                  << first.server_said());
  EXPECT_BECAUSE(released.body == R"({"gave_up":false})",
                 "GET /crunch answered " << released.body << ", but its crunch was released: "
                                         << R"(it should answer {"gave_up":false})");
  World second(exercise::mount);
  auto given_up = second.get("/crunch", 10s);
  REQUIRE_BECAUSE(given_up.status == 200, "GET /crunch on a second server answered "
                                              << given_up.status << ": " << given_up.body
                                              << second.server_said());
  EXPECT_BECAUSE(given_up.body == R"({"gave_up":true})",
                 "GET /crunch on a second server answered "
                     << given_up.body
                     << R"(, but nothing released that server's crunch: it should give up after )"
                        R"(3 s and answer {"gave_up":true}. Only the first server's crunch was )"
                        "released: is something kept from the first request (a static)? Each "
                        "request crunches with its own services_->library and answers its result.");
}
