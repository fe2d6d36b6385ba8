#pragma once
// The parts of exercises 01 to 03, one handler made asynchronous three ways. Each exercise's
// test.cpp names its suite, the style it teaches and what to do when another style was used;
// these become its tests. Every answer must be the upstream's, byte for byte (it carries a nonce
// made at random), and the recording client tells which style the fetch was awaited in.

#include "exercises/support/world.hpp"

namespace parity::exercises {

// Part 1's sentence: "" when `r` is the upstream's answer as it came.
inline std::string not_the_upstreams_answer(const World& world, const http::FetchResponse& r) {
  if (r.status == 0) return "GET /fetch got no answer within 3 s" + world.server_said();
  if (r.status != 200)
    return "GET /fetch answered " + std::to_string(r.status) + ", not 200: " + r.body +
           world.server_said();
  if (r.body.find(world.nonce()) == std::string::npos)
    return "the answer was not the upstream's: it was made up (" + r.body +
           "). finish() with the body of GET {upstream}/delay, as it came";
  if (r.body != world.upstream_body())
    return "the answer holds the upstream's but is not it, byte for byte (" + r.body +
           "): finish(response.body) as it came, without parsing it or adding to it";
  return {};
}

// Part 4's sentence: "" when the fetch went through async_fetch, completed `expected`'s way.
inline std::string not_the_style(const World& world, Via expected, const std::string& exercise,
                                 const std::string& remedy) {
  const auto& client = world.client();
  if (client.calls() == 0)
    return "GET /fetch never called services_->client->async_fetch(...): the upstream was "
           "reached another way (fetch_blocking, on the loop, a thread or the pool). " +
           exercise + " starts the fetch with async_fetch: " + remedy;
  if (client.calls(expected) == 0) {
    for (Via via : {Via::callback, Via::future, Via::awaitable, Via::deferred})
      if (client.calls(via) > 0)
        return "the fetch went through async_fetch with " + to_string(via) + ", but " + exercise +
               " is about " + to_string(expected) + ": " + remedy;
  }
  return {};
}

}  // namespace parity::exercises

// `expected`: the Via the exercise teaches; `Style`: the name Part 4 ends with; `remedy`: what to
// do, for a sentence.
#define PARITY_FETCH_EXERCISE_TESTS(Suite, exercise_name, expected, Style, remedy)                \
  TEST(Suite, Part1_AnswersWithTheUpstreamsReply) {                                               \
    parity::exercises::World world(exercise::mount);                                              \
    auto r = world.get("/fetch");                                                                 \
    auto problem = parity::exercises::not_the_upstreams_answer(world, r);                         \
    EXPECT_BECAUSE(problem.empty(), problem);                                                     \
  }                                                                                               \
  TEST(Suite, Part2_TwoRequestsWaitForTheUpstreamAtTheSameTime) {                                 \
    /* The upstream answers only when both wait on it together, and fails one alone. */           \
    parity::exercises::World world(exercise::mount, "/barrier/2/500");                            \
    auto answers = world.get_at_once("/fetch", 2);                                                \
    EXPECT_BECAUSE(parity::exercises::count_status(answers, 200) == 2,                            \
                   "the two requests never waited for the upstream at the same time (they got "   \
                       << parity::exercises::statuses(answers) << ")"                             \
                       << (!world.complaints().empty()                                            \
                               ? ""                                                               \
                               : ": is the handler still blocking the loop while it waits?")      \
                       << world.server_said());                                                   \
  }                                                                                               \
  TEST(Suite, Part3_AnUpstreamThatFailsIs502) {                                                   \
    parity::exercises::World world(exercise::mount, parity::exercises::closed_upstream());        \
    auto r = world.get("/fetch");                                                                 \
    EXPECT_BECAUSE(r.status == 502,                                                               \
                   "with the upstream down, GET /fetch answered "                                 \
                       << (r.status ? std::to_string(r.status) : "nothing within 3 s")            \
                       << ", not 502"                                                             \
                       << (world.core_refused() ? ""                                              \
                           : r.status == 500                                                      \
                               ? ": the failed fetch escaped as an exception; catch "             \
                                 "http::FetchError and send_error(502)"                           \
                               : ": when the fetch fails, send_error(502)")                       \
                       << world.server_said());                                                   \
  }                                                                                               \
  TEST(Suite, Part4_TheFetchIsAsyncFetch##Style) {                                                \
    parity::exercises::World world(exercise::mount);                                              \
    auto r = world.get("/fetch");                                                                 \
    auto problem = parity::exercises::not_the_style(world, expected, exercise_name, remedy);      \
    EXPECT_BECAUSE(problem.empty(), problem);                                                     \
  }
