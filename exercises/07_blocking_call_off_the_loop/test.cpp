// Exercise 07's parts, as README.md numbers them. exercise.hpp comes from the include path.

#include <exercise.hpp>  // angle brackets: from the include path, never from beside this file

using parity::exercises::World;

TEST(Exercise07, Part1_AnswersWithTheLibrarysValue) {
  World world(exercise::mount);
  auto r = world.get("/lookup?key=7");
  REQUIRE_BECAUSE(r.status == 200, "GET /lookup?key=7 answered " << r.status << ": " << r.body
                                                                 << world.server_said());
  EXPECT_BECAUSE(r.body == "value of 7", "GET /lookup?key=7 answered \""
                                             << r.body << "\", not the library's \"value of 7\"");
}

TEST(Exercise07, Part2_TwoLookupsRunAtTheSameTime) {
  // Here lookup() returns only once two calls are inside it together (2 s at most).
  World world(exercise::mount, "", 1, 2);
  auto answers = world.get_at_once("/lookup?key=1", 2, std::chrono::seconds(6));
  EXPECT_BECAUSE(parity::exercises::count_status(answers, 200) == 2,
                 "the two lookups never ran at the same time (the answers were "
                     << parity::exercises::statuses(answers) << ")"
                     << (world.core_refused()
                             ? std::string()
                             : std::string(": is the blocking call still on the loop's thread?"))
                     << world.server_said());
}
