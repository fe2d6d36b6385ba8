// Exercise 04's parts, as README.md numbers them. exercise.hpp comes from the include path.

#include <exercise.hpp>  // angle brackets: from the include path, never from beside this file

#include <type_traits>

using parity::exercises::World;

static_assert(std::is_same_v<decltype(std::declval<exercise::ChainHandler&>().get()),
                             boost::asio::awaitable<void>>,
              "ChainHandler::get() must stay a coroutine: asio::awaitable<void> get()");

TEST(Exercise04, Part1_TheThreeStepsComeInOrderEachNamingTheOneBefore) {
  World world(exercise::mount);
  auto r = world.get("/chain");
  REQUIRE_BECAUSE(r.status == 200, "GET /chain answered " << r.status << ": " << r.body);
  auto steps = boost::json::parse(r.body).at("steps").as_array();
  REQUIRE_BECAUSE(steps.size() == 3, "expected three steps in the answer, got " << steps.size());
  for (int i = 0; i < 3; ++i)
    EXPECT_BECAUSE(steps[i].at("step").as_string() == std::to_string(i + 1),
                   "step " << i + 1 << " of the answer is the upstream's answer for step "
                           << steps[i].at("step") << ": keep them in the order they ran");
  EXPECT_BECAUSE(steps[1].as_object().if_contains("previous") &&
                     steps[1].at("previous").as_string() == "1" &&
                     steps[2].as_object().if_contains("previous") &&
                     steps[2].at("previous").as_string() == "2",
                 "each call must name the step before it (step_request(services, step, "
                 "previous)), with `previous` taken from the answer before");
}

TEST(Exercise04, Part2_TwoChainsRunAtOnce) {
  // Every call waits at the upstream's barrier for a second one: two chains must be in step.
  World world(exercise::mount, "/barrier/2/500");
  auto answers = world.get_at_once("/chain", 2);
  EXPECT_BECAUSE(parity::exercises::count_status(answers, 200) == 2,
                 "two chains sent at once did not run side by side (they got "
                     << parity::exercises::statuses(answers)
                     << "): does get() block the loop somewhere instead of co_await-ing?");
}

TEST(Exercise04, Part3_AFailedCallIs502) {
  World world(exercise::mount, parity::exercises::closed_upstream());
  auto r = world.get("/chain");
  EXPECT_BECAUSE(r.status == 502, "with the upstream down, GET /chain answered "
                                      << r.status << ", not 502: catch the fetch's error");
}

namespace {
// Each step's "step" and "previous", as text: "1 2<-1 3<-2".
std::string describe_steps(const boost::json::array& steps) {
  std::string out;
  for (const auto& s : steps) {
    const auto* o = s.if_object();
    const auto* step = o ? o->if_contains("step") : nullptr;
    const auto* previous = o ? o->if_contains("previous") : nullptr;
    out += out.empty() ? "" : " ";
    out += step && step->is_string() ? std::string(step->as_string()) : std::string("?");
    if (previous) out += "<-" + (previous->is_string() ? std::string(previous->as_string()) : "?");
  }
  return out;
}
}  // namespace

TEST(Exercise04, Part4_TheGivenCallbackChainStillWorks) {
  {
    World world(exercise::mount);
    auto r = world.get("/callback-chain");
    REQUIRE_BECAUSE(r.status == 200, "GET /callback-chain (the given CallbackChainHandler) answered "
                                         << r.status << ": " << r.body << world.server_said()
                                         << ". Leave the callback version as it was given");
    auto steps = boost::json::parse(r.body).at("steps").as_array();
    EXPECT_BECAUSE(describe_steps(steps) == "1 2<-1 3<-2",
                   "GET /callback-chain gave the steps [" << describe_steps(steps)
                       << "], expected [1 2<-1 3<-2] (step<-previous): leave the callback "
                          "version as it was given");
  }
  World world(exercise::mount, parity::exercises::closed_upstream());
  auto r = world.get("/callback-chain");
  EXPECT_BECAUSE(r.status == 502, "with the upstream down, GET /callback-chain answered "
                                      << r.status
                                      << ", not 502: leave the callback version as it was given");
}

TEST(Exercise04, Part5_TwoChainsInARowEachHaveOnlyTheirOwnSteps) {
  World world(exercise::mount);
  for (const char* which : {"first", "second"}) {
    auto r = world.get("/chain");
    REQUIRE_BECAUSE(r.status == 200, "the " << which << " GET /chain answered " << r.status
                                            << ": " << r.body << world.server_said());
    auto steps = boost::json::parse(r.body).at("steps").as_array();
    EXPECT_BECAUSE(describe_steps(steps) == "1 2<-1 3<-2",
                   "the " << which << " of two GET /chain in a row gave the steps ["
                          << describe_steps(steps)
                          << "], expected [1 2<-1 3<-2] (step<-previous): each request starts "
                             "with nothing of the one before (is something kept from one request "
                             "to the next, a static variable?)");
  }
}
