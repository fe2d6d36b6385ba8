#pragma once
// The parts of exercises 01 to 03, one handler made asynchronous three ways: each exercise's
// test.cpp names its suite and these become its tests.

#include "exercises/support/world.hpp"

#define PARITY_FETCH_EXERCISE_TESTS(Suite)                                                      \
  TEST(Suite, Part1_AnswersWithTheUpstreamsReply) {                                             \
    parity::exercises::World world(exercise::mount);                                            \
    auto r = world.get("/fetch");                                                               \
    REQUIRE_BECAUSE(r.status == 200,                                                            \
                    "GET /fetch answered " << r.status << ", not 200: " << r.body);             \
    EXPECT_BECAUSE(r.body.find("delay_ms") != std::string::npos,                                \
                   "GET /fetch did not answer with the upstream's reply ("                      \
                       << r.body                                                                \
                       << "): finish() with the body of GET {upstream}/delay, as it came");     \
  }                                                                                             \
  TEST(Suite, Part2_TwoRequestsWaitForTheUpstreamAtTheSameTime) {                               \
    /* The upstream answers only when both wait on it together, and fails one alone. */         \
    parity::exercises::World world(exercise::mount, "/barrier/2/500");                          \
    auto answers = world.get_at_once("/fetch", 2);                                              \
    EXPECT_BECAUSE(parity::exercises::count_status(answers, 200) == 2,                          \
                   "the two requests never waited for the upstream at the same time (they got " \
                       << parity::exercises::statuses(answers)                                  \
                       << "): is the handler still blocking the loop while it waits?");         \
  }                                                                                             \
  TEST(Suite, Part3_AnUpstreamThatFailsIs502) {                                                 \
    parity::exercises::World world(exercise::mount, parity::exercises::closed_upstream());      \
    auto r = world.get("/fetch");                                                               \
    EXPECT_BECAUSE(r.status == 502, "with the upstream down, GET /fetch answered "              \
                                        << r.status                                             \
                                        << ", not 502: when the fetch fails, send_error(502)"); \
  }
