// Exercise 11's parts, as README.md numbers them. exercise.hpp comes from the include path.

#include <exercise.hpp>  // angle brackets: from the include path, never from beside this file

using namespace std::chrono_literals;

namespace {

constexpr auto kPeriod = 100ms;
constexpr int kCount = 5;

struct Run {
  exercise::Turns turns;
  bool finished = false;
  std::string error;
};

Run run_every() {
  Run run;
  parity::Loop loop;
  try {
    loop.run_sync([&] { return exercise::every(&run.turns, kPeriod, kCount); }, 5s);
    run.finished = true;
  } catch (const std::exception& e) {
    run.error = e.what();
  }
  return run;
}

long long ms(parity::Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

}  // namespace

TEST(Exercise11, Part1_EveryTurnIsSetOnTheGrid) {
  auto run = run_every();
  REQUIRE_BECAUSE(run.finished, "every() did not finish in 5 s: " << run.error);
  REQUIRE_BECAUSE(run.turns.deadlines.size() == kCount,
                  "expected " << kCount << " deadlines recorded, one per turn, got "
                              << run.turns.deadlines.size());
  for (int k = 0; k < kCount; ++k) {
    auto grid = run.turns.start + (k + 1) * kPeriod;
    auto late = run.turns.deadlines[k] - grid;
    EXPECT_BECAUSE(
        late == parity::Clock::duration::zero(),
        "turn " << k + 1 << " was set for " << ms(run.turns.deadlines[k] - run.turns.start)
                << " ms, " << ms(late) << " ms off the grid (" << ms(grid - run.turns.start)
                << " ms): compute each deadline from start + k * period, before the work");
    if (late != parity::Clock::duration::zero()) break;  // one message is enough
  }
}

TEST(Exercise11, Part2_EveryTurnDoesTheWorkOnce) {
  auto run = run_every();
  REQUIRE_BECAUSE(run.finished, "every() did not finish in 5 s: " << run.error);
  EXPECT_BECAUSE(run.turns.work_started.size() == kCount,
                 "the work ran " << run.turns.work_started.size() << " times, not " << kCount);
}

TEST(Exercise11, Part3_NoTurnStartsBeforeItsSlot) {
  auto run = run_every();
  REQUIRE_BECAUSE(run.finished, "every() did not finish in 5 s: " << run.error);
  for (std::size_t k = 1; k < run.turns.work_started.size(); ++k)
    EXPECT_BECAUSE(run.turns.work_started[k] >= run.turns.start + static_cast<int>(k) * kPeriod,
                   "turn " << k + 1 << " started its work before its slot: wait for each deadline");
}
