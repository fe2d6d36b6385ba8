// Exercise 06's parts, as README.md numbers them. exercise.hpp comes from the include path.

#include <exercise.hpp>  // angle brackets: from the include path, never from beside this file

using parity::exercises::World;

namespace {

// "" when GET `path` answered 200 with the upstream's answer to GET `upstream_path`, byte for
// byte (it carries the delay it was asked for, and a nonce made at random); else what went wrong.
std::string not_relayed(const World& world, const std::string& path,
                        const std::string& upstream_path) {
  auto r = world.get(path);
  if (r.status == 0) return "GET " + path + " got no answer within 3 s" + world.server_said();
  if (r.status != 200)
    return "GET " + path + " answered " + std::to_string(r.status) + ", not 200: " + r.body +
           world.server_said();
  auto expected = world.upstream_body(upstream_path);
  if (r.body == expected) return {};
  if (r.body.find(world.nonce()) == std::string::npos)
    return "GET " + path + " answered 200 with \"" + r.body +
           "\", not the upstream's answer: finish() with the body of the upstream's answer, "
           "as it came";
  return "GET " + path + " answered " + r.body + ", but the upstream's answer to GET {upstream}" +
         upstream_path + " is " + expected;
}

}  // namespace

TEST(Exercise06, Part1_AQuickUpstreamIsAnswered) {
  World world(exercise::mount);
  auto problem = not_relayed(world, "/bounded?ms=10", "/delay?ms=10");
  EXPECT_BECAUSE(problem.empty(), problem);
  problem = not_relayed(world, "/bounded", "/delay?ms=10");
  EXPECT_BECAUSE(problem.empty(), problem << " (without ?ms=, the upstream is asked for 10 ms)");
}

TEST(Exercise06, Part2_ASlowUpstreamIs504) {
  World world(exercise::mount);
  // The upstream takes 5 s; the handler's deadline is 200 ms. No answer in 3 s means no deadline.
  auto r = world.get("/bounded?ms=5000", std::chrono::seconds(3));
  REQUIRE_BECAUSE(r.status != 0,
                  "GET /bounded?ms=5000 got no answer within 3 s: the handler "
                  "waited for the whole 5 s call. Give the call a deadline.");
  EXPECT_BECAUSE(r.status == 504, "a call past its deadline should be 504, not " << r.status);
  // The longest call ms allows is past the deadline too.
  r = world.get("/bounded?ms=60000", std::chrono::seconds(3));
  EXPECT_BECAUSE(r.status == 504, "GET /bounded?ms=60000 (the longest ms allows) answered "
                                      << (r.status ? std::to_string(r.status) : "nothing in 3 s")
                                      << ", not 504: " << r.body);
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
  REQUIRE_BECAUSE(r.status == 504, "GET /bounded?ms=5000 answered "
                                       << (r.status ? std::to_string(r.status) : "nothing in 3 s")
                                       << ", not 504");
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

TEST(Exercise06, Part5_AnMsOutOfRangeIs400) {
  World world(exercise::mount);
  auto problem = not_relayed(world, "/bounded?ms=0", "/delay?ms=0");
  EXPECT_BECAUSE(problem.empty(), problem << " (ms may be 0)");
  for (const char* ms : {"-1", "60001"}) {
    auto r = world.get(std::string("/bounded?ms=") + ms);
    EXPECT_BECAUSE(r.status == 400, "GET /bounded?ms=" << ms << " answered "
                                        << (r.status ? std::to_string(r.status) : "nothing in 3 s")
                                        << ", not 400: ms is from 0 to 60000, as the starter's "
                                           "int_argument(\"ms\", 10, 0, 60'000) checks");
  }
}
