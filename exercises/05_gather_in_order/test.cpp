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

namespace {
// The "i" of each result, as text: "0 1 2".
std::string result_indices(const boost::json::array& results) {
  std::string out;
  for (const auto& r : results) {
    auto* i = r.is_object() ? r.as_object().if_contains("i") : nullptr;
    out += (out.empty() ? "" : " ") +
           (i && i->is_string() ? std::string(i->as_string()) : std::string("?"));
  }
  return out;
}
}  // namespace

TEST(Exercise05, Part4_NIsOneToTwentyAndThreeWhenNotGiven) {
  World world(exercise::mount);
  struct Case {
    const char* path;
    unsigned status;
    std::size_t results;
  };
  // n=20 one call after another would take over 4 s: a long enough wait for the starter too.
  for (Case c : {Case{"/gather", 200, 3}, Case{"/gather?n=1", 200, 1},
                 Case{"/gather?n=20", 200, 20}, Case{"/gather?n=0", 400, 0},
                 Case{"/gather?n=21", 400, 0}}) {
    int calls_before = world.client().calls();
    auto r = world.get(c.path, std::chrono::seconds(10));
    int calls = world.client().calls() - calls_before;
    if (c.status != 200) {
      EXPECT_BECAUSE(r.status == c.status, "GET " << c.path << " answered " << r.status
                                                  << ", expected " << c.status
                                                  << ": n must be from 1 to 20 "
                                                     "(int_argument(\"n\", 3, 1, 20))");
      continue;
    }
    REQUIRE_BECAUSE(r.status == 200, "GET " << c.path << " answered " << r.status << ", expected 200: "
                                            << r.body << world.server_said());
    auto results = boost::json::parse(r.body).at("results").as_array();
    EXPECT_BECAUSE(results.size() == c.results,
                   "GET " << c.path << " gave " << results.size() << " results, expected "
                          << c.results << (c.results == 3 ? " (n is 3 when not given)" : ""));
    EXPECT_BECAUSE(calls == static_cast<int>(c.results),
                   "GET " << c.path << " made " << calls << " calls to the upstream, expected "
                          << c.results << ": one call per result, no more");
  }
}

TEST(Exercise05, Part5_TwoGathersInARowEachGetOnlyTheirOwnAnswers) {
  World world(exercise::mount);
  auto first = world.get("/gather?n=2");
  REQUIRE_BECAUSE(first.status == 200, "the first GET /gather?n=2 answered "
                                           << first.status << ": " << first.body
                                           << world.server_said());
  auto second = world.get("/gather?n=3");
  REQUIRE_BECAUSE(second.status == 200, "the second GET, /gather?n=3, answered "
                                            << second.status << ": " << second.body
                                            << world.server_said());
  auto one = boost::json::parse(first.body).at("results").as_array();
  auto two = boost::json::parse(second.body).at("results").as_array();
  EXPECT_BECAUSE(result_indices(one) == "0 1",
                 "GET /gather?n=2 gave results for calls [" << result_indices(one)
                                                            << "], expected [0 1]");
  EXPECT_BECAUSE(result_indices(two) == "0 1 2",
                 "GET /gather?n=3, right after a GET /gather?n=2, gave results for calls ["
                     << result_indices(two)
                     << "], expected [0 1 2]: each request starts with nothing of the one before "
                        "(is something kept from one request to the next, a static variable?)");
}
