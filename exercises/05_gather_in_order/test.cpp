// Exercise 05's parts, as README.md numbers them. exercise.hpp comes from the include path.

#include <exercise.hpp>  // angle brackets: from the include path, never from beside this file

using parity::exercises::World;

TEST(Exercise05, Part1_TheAnswersComeInTheOrderAskedFor) {
  World world(exercise::mount);
  auto r = world.get("/gather?n=4");
  REQUIRE_BECAUSE(r.status == 200,
                  "GET /gather?n=4 answered " << r.status << ": " << r.body << world.server_said());
  auto results = boost::json::parse(r.body).at("results").as_array();
  REQUIRE_BECAUSE(results.size() == 4, "expected 4 results, got " << results.size());
  for (int i = 0; i < 4; ++i)
    EXPECT_BECAUSE(results[i].at("i").as_string() == std::to_string(i),
                   "result " << i << " is the answer to call " << results[i].at("i").as_string()
                             << ": keep the order the calls were made in, not the order they "
                                "finished in");
}

TEST(Exercise05, Part2_AllCallsWaitForTheUpstreamAtTheSameTime) {
  // The upstream answers only once all three calls wait on it together.
  World world(exercise::mount, "/barrier/3/500");
  auto r = world.get("/gather?n=3");
  EXPECT_BECAUSE(r.status == 200,
                 "GET /gather?n=3 answered "
                     << r.status
                     << ": the three calls were not all in flight at once. Start every call "
                        "before waiting for any of them.");
}

TEST(Exercise05, Part3_AFailedCallIs502) {
  World world(exercise::mount, parity::exercises::closed_upstream());
  auto r = world.get("/gather?n=2");
  EXPECT_BECAUSE(r.status == 502,
                 "with the upstream down, GET /gather answered " << r.status << ", not 502");
}
