// Exercise 06's parts, as README.md numbers them. exercise.hpp comes from the include path.

#include <exercise.hpp>  // angle brackets: from the include path, never from beside this file

using parity::exercises::World;

TEST(Exercise06, Part1_AQuickUpstreamIsAnswered) {
  World world(exercise::mount);
  auto r = world.get("/bounded?ms=10");
  EXPECT_BECAUSE(r.status == 200, "GET /bounded?ms=10 answered " << r.status << ": " << r.body);
}

TEST(Exercise06, Part2_ASlowUpstreamIs504) {
  World world(exercise::mount);
  // The upstream takes 5 s; the handler's deadline is 200 ms. No answer in 3 s means no deadline.
  auto r = world.get("/bounded?ms=5000", std::chrono::seconds(3));
  REQUIRE_BECAUSE(r.status != 0,
                  "GET /bounded?ms=5000 got no answer within 3 s: the handler "
                  "waited for the whole 5 s call. Give the call a deadline.");
  EXPECT_BECAUSE(r.status == 504, "a call past its deadline should be 504, not " << r.status);
}

TEST(Exercise06, Part3_ADownUpstreamIsStill502) {
  World world(exercise::mount, parity::exercises::closed_upstream());
  auto r = world.get("/bounded?ms=10");
  EXPECT_BECAUSE(r.status == 502, "with the upstream down, GET /bounded answered "
                                      << r.status << ", not 502: only a timeout is 504");
}

TEST(Exercise06, Part4_TheCallStopsAtTheDeadline) {
  World world(exercise::mount);
  auto r = world.get("/bounded?ms=5000", std::chrono::seconds(3));
  REQUIRE_BECAUSE(r.status == 504, "GET /bounded?ms=5000 answered " << r.status << ", not 504");
  // The upstream counts the requests it is still answering; the call takes 5 s unless cut.
  bool let_go = false;
  for (int i = 0; i < 200 && !let_go; ++i) {  // 2 s at most, well before the 5 s were up
    let_go = world.upstream_stat("waiting") == 0;
    if (!let_go) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_BECAUSE(let_go,
                 "the 504 went out, but the call to the upstream went on after the deadline: "
                 "a deadline ends the call (the fetch's own timeout does), not only the answer");
}
