// Exercise 07's parts, as README.md numbers them. exercise.hpp comes from the include path.

#include <exercise.hpp>  // angle brackets: from the include path, never from beside this file

using parity::exercises::World;

TEST(Exercise07, Part1_AnswersWithTheLibrarysValue) {
  World world(exercise::mount);
  std::string first;  // the first answer, to tell one kept from request to request
  for (const char* key : {"7", "8"}) {
    auto r = world.get(std::string("/lookup?key=") + key);
    REQUIRE_BECAUSE(r.status == 200, "GET /lookup?key=" << key << " answered " << r.status << ": "
                                                        << r.body << world.server_said());
    std::string expected = std::string("value of ") + key;
    EXPECT_BECAUSE(r.body == expected,
                   "GET /lookup?key=" << key << " answered \"" << r.body << "\", not the library's \""
                                      << expected << "\""
                                      << (!first.empty() && r.body == first
                                              ? ": the first request's answer again, for another "
                                                "key. Is something kept from one request to the "
                                                "next (a static)?"
                                              : ""));
    if (first.empty()) first = r.body;
  }
}

TEST(Exercise07, Part2_TwoLookupsRunAtTheSameTime) {
  // Here lookup() returns only once two calls are inside it together (2 s at most).
  World world(exercise::mount, "", 1, 2);
  auto one = std::async(std::launch::async,
                        [&] { return world.get("/lookup?key=1", std::chrono::seconds(6)); });
  auto two = std::async(std::launch::async,
                        [&] { return world.get("/lookup?key=2", std::chrono::seconds(6)); });
  std::vector<parity::http::FetchResponse> answers{one.get(), two.get()};
  REQUIRE_BECAUSE(parity::exercises::count_status(answers, 200) == 2,
                  "the two lookups never ran at the same time (the answers were "
                      << parity::exercises::statuses(answers) << ")"
                      << (world.core_refused()
                              ? std::string()
                              : std::string(": is the blocking call still on the loop's thread?"))
                      << world.server_said());
  EXPECT_BECAUSE(answers[0].body == "value of 1" && answers[1].body == "value of 2",
                 "GET /lookup?key=1 and ?key=2, at the same time, answered \""
                     << answers[0].body << "\" and \"" << answers[1].body
                     << "\", not \"value of 1\" and \"value of 2\": each request answers the "
                        "value of its own key");
}
