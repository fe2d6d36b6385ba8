// The classroom page: GET / and its race, GET /race, over real sockets; and the page itself in
// headless Chromium, checked from its DOM: sync's bars one after the other, the coroutine's
// together.

#include "app/classroom/race.hpp"
#include "app/service_thread.hpp"
#include "common/http/client/client.hpp"
#include "tests/support/event.hpp"
#include "tests/support/headless_chromium.hpp"
#include "tests/support/raw_connection.hpp"
#include "upstream/upstream.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

namespace parity::app {
namespace {

using namespace std::chrono_literals;

struct Bar {
  int side = 0;
  double start = 0;
  double end = 0;
};

// No two bars of a side overlap: each starts once the one before it has ended.
bool one_after_the_other(std::vector<Bar> bars) {
  std::sort(bars.begin(), bars.end(), [](const Bar& a, const Bar& b) { return a.start < b.start; });
  for (std::size_t i = 1; i < bars.size(); ++i)
    if (bars[i].start < bars[i - 1].end) return false;
  return true;
}

// Every bar of a side overlaps every other: the last start comes before the first end.
bool all_together(const std::vector<Bar>& bars) {
  double last_start = 0, first_end = 1e300;
  for (const auto& b : bars) {
    last_start = std::max(last_start, b.start);
    first_end = std::min(first_end, b.end);
  }
  return !bars.empty() && last_start < first_end;
}

std::vector<Bar> of_side(const std::vector<Bar>& bars, int side) {
  std::vector<Bar> out;
  std::copy_if(bars.begin(), bars.end(), std::back_inserter(out),
               [side](const Bar& b) { return b.side == side; });
  return out;
}

// The value of attribute `name` in `tag`: data-start="12.5" gives "12.5".
std::string attribute(const std::string& tag, const std::string& name) {
  auto at = tag.find(name + "=\"");
  if (at == std::string::npos) return {};
  at += name.size() + 2;
  return tag.substr(at, tag.find('"', at) - at);
}

// The bars' tags in the page's chart: <rect ... data-side= data-start= data-end=>.
std::vector<std::string> rects_in(const std::string& dom) {
  std::vector<std::string> tags;
  for (auto at = dom.find("<rect"); at != std::string::npos; at = dom.find("<rect", at + 1)) {
    auto tag = dom.substr(at, dom.find('>', at) - at);
    if (!attribute(tag, "data-side").empty()) tags.push_back(tag);
  }
  return tags;
}

// The dark strips under the bars: how long each request's code held a loop thread, in ms.
std::vector<double> loop_strips_in(const std::string& dom) {
  std::vector<double> loops;
  for (auto at = dom.find("<rect"); at != std::string::npos; at = dom.find("<rect", at + 1)) {
    auto tag = dom.substr(at, dom.find('>', at) - at);
    if (auto loop = attribute(tag, "data-loop"); !loop.empty()) loops.push_back(std::stod(loop));
  }
  return loops;
}

// The busy strips under each side, per loop thread: how many ms of the side's axis they cover.
std::map<std::pair<int, int>, double> busy_ms_in(const std::string& dom) {
  std::map<std::pair<int, int>, double> busy;  // (side, thread) -> ms
  for (auto at = dom.find("<rect"); at != std::string::npos; at = dom.find("<rect", at + 1)) {
    auto tag = dom.substr(at, dom.find('>', at) - at);
    auto side = attribute(tag, "data-busy-side");
    if (side.empty()) continue;
    busy[{std::stoi(side), std::stoi(attribute(tag, "data-thread"))}] +=
        std::stod(attribute(tag, "data-to")) - std::stod(attribute(tag, "data-from"));
  }
  return busy;
}

std::vector<Bar> bars_in(const std::string& dom) {
  std::vector<Bar> bars;
  for (const auto& tag : rects_in(dom))
    bars.push_back({std::stoi(attribute(tag, "data-side")), std::stod(attribute(tag, "data-start")),
                    std::stod(attribute(tag, "data-end"))});
  return bars;
}

// The page on a loop of its own, as `parity serve` runs it.
class Classroom : public ::testing::Test {
 protected:
  upstream::EmbeddedUpstream upstream{upstream::Options{.latency = 50ms}};
  ServiceThread service{{.upstream_url = upstream.url()}};
  std::string page = service.start_classroom();  // http://127.0.0.1:PORT/
  http::FetchResponse get(const std::string& target) {
    return http::fetch_blocking({"GET", page + target.substr(1)},
                                {.timeout = 30s, .raise_error = false});
  }
  unsigned short page_port() const {
    return static_cast<unsigned short>(boost::urls::parse_uri(page)->port_number());
  }
  // Sets an event when it goes, however the test ends: a failed ASSERT must not leave the
  // service's loop held (the test would hang in the fixture's destructor instead of failing).
  struct SetOnExit {
    test::Event& event;
    ~SetOnExit() { event.set(); }
  };
  // Holds the service's one loop thread, as a sync handler does, until `release` is set.
  // Both events are shared with the loop's thread, which may still be inside one when the test
  // moves on.
  void block_the_service_loop(std::shared_ptr<test::Event> release) {
    auto blocked = std::make_shared<test::Event>();
    asio::post(service.loop().get_executor(), [blocked, release] {
      blocked->set();
      release->wait(60s);
    });
    ASSERT_TRUE(blocked->wait());
  }
};

TEST_F(Classroom, TheRaceStreamsSyncInTurnAndTheCoroutineAtOnce) {
  auto r = get("/race?a=sync&b=coroutine&endpoint=sleep&arg=200&n=3");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.headers[http::field::content_type], "application/x-ndjson");
  std::vector<Bar> bars;
  std::vector<std::string> sentences(2);
  double busy_ms[2] = {0, 0};  // loop thread 1's busy time while each side ran
  std::istringstream lines(r.body);
  for (std::string line; std::getline(lines, line);) {
    auto event = boost::json::parse(line).as_object();
    if (event.at("event") == "start") {
      EXPECT_EQ(event.at("loop_threads"), 1) << line;
    }
    if (event.at("event") == "busy") {
      EXPECT_EQ(event.at("thread"), 1) << line;
      busy_ms[event.at("side").as_int64()] +=
          event.at("to").to_number<double>() - event.at("from").to_number<double>();
    }
    if (event.at("event") == "answer") {
      EXPECT_EQ(event.at("status"), 200) << line;
      bars.push_back({static_cast<int>(event.at("side").as_int64()),
                      event.at("started_at").to_number<double>(),
                      event.at("finished_at").to_number<double>()});
      // The bar's dark part: sync slept its 200 ms on the loop, the coroutine waited them.
      ASSERT_TRUE(event.contains("loop_ms")) << line;
      double loop = event.at("loop_ms").to_number<double>();
      if (bars.back().side == 0) {
        EXPECT_GE(loop, 200) << line;
      } else {
        EXPECT_LT(loop, 100) << line;
      }
    }
    if (event.at("event") == "summary")
      sentences[event.at("side").as_int64()] = event.at("sentence").as_string();
  }
  ASSERT_EQ(bars.size(), 6u) << r.body;
  EXPECT_TRUE(one_after_the_other(of_side(bars, 0))) << r.body;
  EXPECT_TRUE(all_together(of_side(bars, 1))) << r.body;
  EXPECT_TRUE(sentences[0].starts_with("sync served 1 at a time")) << sentences[0];
  EXPECT_TRUE(sentences[1].starts_with("coroutine served 3 at a time")) << sentences[1];
  // The loop thread's busy strip: solid through sync's three sleeps of 200 ms, and mostly empty
  // while the coroutines waited theirs (a few pieces, each widened to a sampling period).
  EXPECT_GE(busy_ms[0], 600) << r.body;
  EXPECT_LT(busy_ms[1], busy_ms[0] / 2) << r.body;
}

TEST_F(Classroom, TheRaceRefusesWhatItCannotRunWith400) {
  for (std::string bad : {"a=nope", "b=../sync", "endpoint=upload", "n=0", "n=201",
                          "endpoint=sleep&arg=99999", "endpoint=chain&arg=11"}) {
    auto r = get("/race?" + bad);
    EXPECT_EQ(r.status, 400u) << bad << ": " << r.body;
  }
  EXPECT_EQ(get("/").status, 200u);  // and the page goes on
}

// n=200 x 5000 ms would hold a sync loop for 17 minutes: a race states its cap instead.
TEST_F(Classroom, TheRaceCapsNTimesArgAndSaysWhatTheCapIs) {
  auto r = get("/race?a=sync&endpoint=sleep&arg=5000&n=200");
  EXPECT_EQ(r.status, 400u);
  EXPECT_NE(r.body.find("n x arg is at most 60000 ms of sleeping"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("this race asks 1000000"), std::string::npos) << r.body;
  EXPECT_EQ(get("/race?a=sync&endpoint=parallel&arg=100&n=6").status, 400u);  // 600 calls
}

// The sync style blocks the service's loop; the page, on its own loop, answers meanwhile.
TEST_F(Classroom, ThePageAnswersWhileTheServicesLoopIsBlocked) {
  auto release = std::make_shared<test::Event>();
  SetOnExit released{*release};
  block_the_service_loop(release);
  auto r = http::fetch_blocking({"GET", page}, {.timeout = 10s, .raise_error = false});
  release->set();
  EXPECT_EQ(r.status, 200u);
  EXPECT_NE(r.body.find("<form id=\"race\">"), std::string::npos);
}

TEST_F(Classroom, TheServicesOwnRootRedirectsToThePage) {
  auto r = http::fetch_blocking({"GET", service.url("/?n=5")}, {.raise_error = false});
  EXPECT_EQ(r.status, 302u);
  EXPECT_EQ(r.headers[http::field::location], page + "?n=5");
}

TEST_F(Classroom, ThePageLinksEveryRouteToTheServicesPort) {
  auto r = get("/");
  EXPECT_NE(r.body.find("href=\"" + service.url("/coroutine/fetch") + "\""), std::string::npos);
}

// A page closed mid-race: its requests are cancelled, so the race lets go of its slot (two run
// at most) even while the service cannot answer them.
TEST_F(Classroom, ARaceWhosePageLeftIsCancelled) {
  auto release = std::make_shared<test::Event>();
  SetOnExit released{*release};
  block_the_service_loop(release);
  for (int k = 0; k < 2; ++k) {
    test::RawConnection left(page_port());
    left.send(test::get_request("/race?a=coroutine&b=coroutine&endpoint=sleep&arg=10&n=3"));
    auto got = left.read_until("\"event\":\"start\"", 10s);
    ASSERT_NE(got.find("200 OK"), std::string::npos) << "race " << k << " began with:\n" << got;
  }  // both pages close here
  bool slot_free = test::eventually(
      [&] {
        test::RawConnection next(page_port());
        next.send(test::get_request("/race?a=coroutine&b=coroutine&endpoint=sleep&arg=10&n=1"));
        return next.read_until("\r\n", 5s).starts_with("HTTP/1.1 200");
      },
      20s);  // with the reads above, at most 45 s: a failure says why before ctest's 60 s
  release->set();
  EXPECT_TRUE(slot_free) << "a race whose page left still holds its slot: not cancelled";
}

TEST_F(Classroom, TheHomePageIsSelfContainedAndListsEveryStyle) {
  auto r = get("/");
  ASSERT_EQ(r.status, 200u);
  for (auto style : kStyles)
    EXPECT_NE(r.body.find("<option>" + std::string(style) + "</option>"), std::string::npos);
  EXPECT_NE(r.body.find("/coroutine/fetch"), std::string::npos);
  // Nothing from the network: no external script, style sheet or image; links go to the service.
  EXPECT_EQ(r.body.find("src=\"http"), std::string::npos);
  for (auto at = r.body.find("href=\"http"); at != std::string::npos;
       at = r.body.find("href=\"http", at + 1))
    EXPECT_EQ(r.body.compare(at + 6, service.url().size(), service.url()), 0) << r.body.substr(at);
  EXPECT_EQ(r.body.find("<link"), std::string::npos);
}

TEST(ClassroomSentence, NamesWhatSetsEachStylesRequestsInFlight) {
  EXPECT_EQ(at_a_time("sync", "sleep", 10, 5, 10).count, 1);
  EXPECT_EQ(at_a_time("threadpool", "sleep", 10, 5, 10).count, 5);
  EXPECT_EQ(at_a_time("coroutine", "sleep", 10, 5, 10).count, 10);
  EXPECT_EQ(at_a_time("callback", "fetch", 50, 5, 10).count, 10);
  EXPECT_EQ(at_a_time("future", "fetch", 50, 5, 0).count, 50);
  EXPECT_EQ(at_a_time("coroutine", "compute", 10, 5, 10).count, 1);
  auto sentence = race_sentence("sync", at_a_time("sync", "sleep", 5, 5, 10), 5, 200, 1003);
  EXPECT_EQ(sentence,
            "sync served 1 at a time (the loop's one thread, held by each request). 5 requests "
            "of about 200 ms should take about 5 x 200 = 1000 ms; they took 1003 ms, 5.0 "
            "requests per second.");
}

// On a loop of two threads, two blocking requests run at once: the sentence counts them.
TEST(ClassroomSentence, CountsTheLoopsThreads) {
  auto sync = at_a_time("sync", "sleep", 10, 5, 10, 2);
  EXPECT_EQ(sync.count, 2);
  EXPECT_EQ(sync.why, "the loop's 2 threads, held by each request");
  EXPECT_EQ(at_a_time("coroutine", "compute", 10, 5, 10, 2).count, 2);
  EXPECT_EQ(at_a_time("coroutine", "sleep", 10, 5, 10, 2).count, 10);
}

// arg=0 once printed "636132.0 requests per second".
TEST(ClassroomSentence, ARaceTooQuickToTimeGivesNoRate) {
  auto sentence = race_sentence("coroutine", at_a_time("coroutine", "sleep", 5, 5, 10), 5, 0, 0.4);
  EXPECT_EQ(sentence.find("per second"), std::string::npos) << sentence;
  EXPECT_NE(sentence.find("too quick to time"), std::string::npos) << sentence;
}

// The page in a real browser: it runs the race from its URL, and the test reads the bars it drew.
TEST_F(Classroom, InChromiumSyncsBarsFollowEachOtherAndTheCoroutinesOverlap) {
  test::HeadlessChromium chromium;
  chromium.open(page + "?a=sync&b=coroutine&endpoint=sleep&arg=200&n=5&run=1");
  auto dom = chromium.html_once("['done', 'failed'].includes(document.body.dataset.race)", 90s);
  ASSERT_NE(dom.find("data-race=\"done\""), std::string::npos) << "the race failed in the page:\n"
                                                               << dom.substr(0, 4000);
  auto bars = bars_in(dom);
  ASSERT_EQ(bars.size(), 10u) << dom.substr(0, 4000);
  EXPECT_TRUE(one_after_the_other(of_side(bars, 0))) << "sync's bars overlap in the page";
  EXPECT_TRUE(all_together(of_side(bars, 1))) << "the coroutine's bars do not overlap";
  EXPECT_NE(dom.find("sync served 1 at a time"), std::string::npos);
  for (const auto& tag : rects_in(dom)) EXPECT_GE(std::stod(attribute(tag, "height")), 20) << tag;
  // Under each bar its loop part: sync's 200 ms all on the loop, the coroutine's a moment.
  auto loops = loop_strips_in(dom);
  ASSERT_EQ(loops.size(), 10u);
  EXPECT_EQ(std::count_if(loops.begin(), loops.end(), [](double ms) { return ms >= 200; }), 5);
  EXPECT_EQ(std::count_if(loops.begin(), loops.end(), [](double ms) { return ms < 100; }), 5);
  // A busy strip for the loop's one thread under each side: solid under sync's five sleeps of
  // 200 ms, thin under the coroutines' five waits.
  auto busy = busy_ms_in(dom);
  double sync_busy = busy[{0, 1}], coroutine_busy = busy[{1, 1}];
  EXPECT_GE(sync_busy, 900) << dom.substr(0, 4000);
  EXPECT_LT(coroutine_busy, sync_busy / 2) << dom.substr(0, 4000);
  auto shot = std::filesystem::path(PARITY_BUILD_DIR) / "classroom.png";
  chromium.screenshot(shot);
  EXPECT_GT(std::filesystem::file_size(shot), 10'000u);  // a real picture, not an empty file
}

// On a projector at n=200: the conclusion is above the fold, and every bar is still visible.
TEST_F(Classroom, InChromiumAtTwoHundredTheConclusionIsAboveTheFold) {
  test::HeadlessChromium chromium;
  chromium.open(page + "?a=coroutine&b=callback&endpoint=sleep&arg=100&n=200&run=1", 1400, 900);
  // The test, not the page, records where the conclusion ended up.
  auto dom = chromium.html_once(
      "document.body.dataset.race === 'done' && document.getElementById('sentence-1').textContent"
      " && (document.body.dataset.conclusionBottom = Math.ceil(document.getElementById("
      "'sentence-1').getBoundingClientRect().bottom), true)",
      90s);
  ASSERT_EQ(bars_in(dom).size(), 400u);
  EXPECT_EQ(loop_strips_in(dom).size(), 400u);
  auto busy = busy_ms_in(dom);  // both styles woke the loop's thread at least once
  double first_busy = busy[{0, 1}], second_busy = busy[{1, 1}];
  EXPECT_GT(first_busy, 0) << dom.substr(0, 4000);
  EXPECT_GT(second_busy, 0) << dom.substr(0, 4000);
  auto bottom = attribute(dom, "data-conclusion-bottom");
  ASSERT_FALSE(bottom.empty());
  EXPECT_LE(std::stoi(bottom), 900) << "the conclusion is below the fold";
  for (const auto& tag : rects_in(dom)) EXPECT_GE(std::stod(attribute(tag, "height")), 1) << tag;
}

}  // namespace
}  // namespace parity::app
