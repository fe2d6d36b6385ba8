// The tutorials' claims, asserted on what their steps really did: lesson 02's sync server answers
// one request at a time and its coroutine server two at once, and siege at the sync server stays
// under Little's law. Bounds, never speeds: what the server cannot do, not what it did fast.

#include "tutorials/lesson.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace parity {
namespace {

tutorials::StepResult run(const std::string& id) {
  const auto* step = tutorials::find_step(id);
  if (!step) throw std::runtime_error("no step " + id);
  return step->run();
}

TEST(Tutorial02, OneRequestShowsTheTimeCostPage) {
  auto result = run("02.1");
  EXPECT_EQ(result.figures.at("status"), 200);
  EXPECT_NE(result.output.find("Time Cost"), std::string::npos) << result.output;
  EXPECT_GE(result.figures.at("request_seconds"), 0.1);  // the upstream's timer, at least
}

TEST(Tutorial02, TheSyncServerRunsTwoRequestsOneAfterTheOtherAndTheCoroutineOneAtOnce) {
  auto result = run("02.2");
  EXPECT_LE(result.figures.at("sync_overlap_ms"), 0) << result.output;
  EXPECT_GT(result.figures.at("coroutine_overlap_ms"), 0) << result.output;
  EXPECT_GE(result.figures.at("sync_total_ms"), 1000) << result.output;  // 2 x 500 ms, in turn
}

TEST(Tutorial02, SiegeAtTheSyncServerStaysUnderLittlesLaw) {
  auto result = run("02.3");
  EXPECT_EQ(result.figures.at("limit"), 10);
  EXPECT_GT(result.figures.at("transactions"), 0) << result.output;
  EXPECT_EQ(result.figures.at("failed"), 0) << result.output;
  // One request in flight and 100 ms each: no run can beat 10 per second.
  EXPECT_LE(result.figures.at("transaction_rate"), 10.0) << result.output;
}

// Every lesson's README names each of its steps, so the text and the runner cannot drift apart.
TEST(Tutorials, EveryLessonsReadmeNamesEachOfItsSteps) {
  for (const auto& lesson : tutorials::lessons()) {
    auto path = std::filesystem::path(PARITY_SOURCE_DIR) / lesson.folder / "README.md";
    std::ifstream in(path);
    ASSERT_TRUE(in) << "no " << path;
    std::stringstream text;
    text << in.rdbuf();
    for (const auto& step : lesson.steps) {
      EXPECT_NE(text.str().find("parity tutorial " + step.id), std::string::npos)
          << path << " does not say how to run step " << step.id;
    }
  }
}

TEST(Tutorials, StepsAreFoundByLessonAndNumber) {
  ASSERT_NE(tutorials::find_lesson("2"), nullptr);
  EXPECT_EQ(tutorials::find_lesson("02")->steps.front().id, "02.1");
  EXPECT_NE(tutorials::find_step("2.3"), nullptr);
  EXPECT_EQ(tutorials::find_step("02.9"), nullptr);
  EXPECT_EQ(tutorials::find_step("02"), nullptr);
}

}  // namespace
}  // namespace parity
