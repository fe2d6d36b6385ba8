// One suite, five styles: every endpoint's happy path and every error, through real HTTP, must
// answer the same in each style (same status, same headers that matter, same body once the
// times are masked). Then the lesson itself, read from the server's started_at/finished_at.

#include "app/service_thread.hpp"
#include "tests/support/raw_connection.hpp"
#include "tests/support/refused_port.hpp"
#include "tests/support/test_server.hpp"
#include "tests/test_handlers.hpp"
#include "upstream/upstream.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <iterator>

namespace parity {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;
using Response = http::bhttp::response<http::bhttp::string_body>;

// Shared by every test: a healthy upstream, one that refuses connections, one that never answers.
struct World {
  upstream::EmbeddedUpstream upstream{upstream::Options{.latency = 20ms, .jitter = 0ms}};
  test::TestServer black_hole{black_hole_app()};
  app::ServiceThread service{{.upstream_url = upstream.url(), .max_clients = 0}};
  test::RefusedPort refusing;  // the upstream of `refused`, for the whole process
  app::ServiceThread refused{{.upstream_url = refusing.url(), .max_clients = 0}};
  app::ServiceThread timing_out{
      {.upstream_url = black_hole.url(), .max_clients = 0, .upstream_timeout = 200ms}};
  test::TestServer broken{broken_app()};  // answers 500 to everything
  app::ServiceThread failing{{.upstream_url = broken.url(), .max_clients = 0}};

  static std::shared_ptr<http::Application> broken_app() {
    struct Broken : http::RequestHandler {
      void get() { throw http::HttpError(500, "broken"); }
      void post() { throw http::HttpError(500, "broken"); }
    };
    auto app = std::make_shared<http::Application>();
    app->add<Broken>(".*");
    return app;
  }

  static std::shared_ptr<http::Application> black_hole_app() {
    auto app = std::make_shared<http::Application>();
    app->add<test::HangHandler>(".*");
    return app;
  }
};

// Made on first use and kept for the process (ctest runs each test in a process of its own).
World& the_world() {
  static World instance;
  return instance;
}

class StyleParity : public ::testing::TestWithParam<std::string> {
 protected:
  std::string style() const { return GetParam(); }
  std::string path(const std::string& endpoint) const { return "/" + style() + "/" + endpoint; }

  static Response round_trip(unsigned short port, const std::string& raw) {
    test::RawConnection c(port);
    c.send(raw);
    auto response = c.read_response(10s);
    if (!response) throw std::runtime_error("no response to: " + raw.substr(0, raw.find('\r')));
    return *response;
  }
  Response get(const std::string& endpoint, unsigned short port = 0) const {
    return round_trip(port ? port : the_world().service.port(), test::get_request(path(endpoint)));
  }
  Response send(const std::string& method, const std::string& endpoint, const std::string& body,
                const std::string& content_type = "application/json",
                unsigned short port = 0) const {
    return round_trip(port ? port : the_world().service.port(),
                      method + " " + path(endpoint) +
                          " HTTP/1.1\r\nHost: x\r\nContent-Type: " + content_type +
                          "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  }

  // The body as JSON, with the style checked and the times masked away.
  json::object masked(const Response& response) const {
    auto body = json::parse(response.body()).as_object();
    EXPECT_EQ(body.at("style"), json::value(style()));
    EXPECT_LE(body.at("started_at").as_double(), body.at("finished_at").as_double());
    body.erase("style");
    body.erase("started_at");
    body.erase("finished_at");
    return body;
  }
  static bool is_json(const Response& r) {
    return r[http::field::content_type].starts_with("application/json");
  }
};

INSTANTIATE_TEST_SUITE_P(EveryStyle, StyleParity,
                         ::testing::Values("sync", "callback", "future", "coroutine", "threadpool"),
                         [](const auto& info) { return info.param; });

TEST_P(StyleParity, HelloAnswersPlainHello) {
  auto r = get("hello");
  EXPECT_EQ(r.result_int(), 200);
  EXPECT_EQ(r.body(), "Hello, world");
}

TEST_P(StyleParity, FetchAnswersTheTimeCostPage) {
  auto r = get("fetch");
  EXPECT_EQ(r.result_int(), 200);
  EXPECT_TRUE(r[http::field::content_type].starts_with("text/html"));
  EXPECT_NE(r.body().find("Time Cost: 0.0"), std::string::npos);
  EXPECT_NE(r.body().find("style: " + style()), std::string::npos);
}

TEST_P(StyleParity, FetchAsJsonCarriesTheUpstreamAnswer) {
  auto r = get("fetch?format=json");
  ASSERT_EQ(r.result_int(), 200);
  ASSERT_TRUE(is_json(r));
  auto body = masked(r);
  EXPECT_GE(body.at("upstream_seconds").as_double(), 0.020);
  body.erase("upstream_seconds");
  EXPECT_EQ(body, (json::object{{"upstream", {{"delay_ms", 20}, {"args", json::object{}}}}}));
}

TEST_P(StyleParity, FetchFromARefusingUpstreamIs502) {
  auto r = get("fetch?format=json", the_world().refused.port());
  EXPECT_EQ(r.result_int(), 502);
  EXPECT_EQ(masked(r),
            (json::object{{"message", "upstream request failed"}, {"error", "could not connect"}}));
}

TEST_P(StyleParity, FetchFromASilentUpstreamIs504) {
  auto r = get("fetch", the_world().timing_out.port());
  EXPECT_EQ(r.result_int(), 504);
  EXPECT_EQ(masked(r).at("message"), "upstream request failed");
}

TEST_P(StyleParity, SleepWaitsTheTimeAsked) {
  auto r = get("sleep?ms=30");
  ASSERT_EQ(r.result_int(), 200);
  auto body = json::parse(r.body());
  EXPECT_GE(body.at("finished_at").as_double() - body.at("started_at").as_double(), 30.0);
  EXPECT_EQ(masked(r), (json::object{{"ms", 30}}));
}

TEST_P(StyleParity, ArgumentsOutsideTheirLimitsAre400) {
  for (auto endpoint : {"sleep?ms=10001", "sleep?ms=abc", "chain?n=0", "chain?n=11",
                        "parallel?n=101", "compute?n=1000000001", "stream?n=0"}) {
    auto r = get(endpoint);
    EXPECT_EQ(r.result_int(), 400) << endpoint;
    EXPECT_TRUE(is_json(r)) << endpoint;
  }
}

TEST_P(StyleParity, ChainCarriesEachAnswerIntoTheNextCall) {
  auto r = get("chain?n=3");
  ASSERT_EQ(r.result_int(), 200);
  EXPECT_EQ(masked(r), (json::object{{"n", 3},
                                     {"steps", json::array{{{"step", "1"}},
                                                           {{"step", "2"}, {"previous", "1"}},
                                                           {{"step", "3"}, {"previous", "2"}}}}}));
}

TEST_P(StyleParity, ParallelGathersEveryAnswerInOrder) {
  auto r = get("parallel?n=4");
  ASSERT_EQ(r.result_int(), 200);
  EXPECT_EQ(
      masked(r),
      (json::object{
          {"n", 4},
          {"results",
           json::array{{{"index", "0"}}, {{"index", "1"}}, {{"index", "2"}}, {{"index", "3"}}}}}));
}

TEST_P(StyleParity, ParallelFromARefusingUpstreamIs502) {
  EXPECT_EQ(get("parallel?n=3", the_world().refused.port()).result_int(), 502);
}

TEST_P(StyleParity, ComputeSumsTheSquares) {
  auto r = get("compute?n=1000");
  ASSERT_EQ(r.result_int(), 200);
  EXPECT_EQ(masked(r), (json::object{{"n", 1000}, {"sum", 332833500}}));
}

TEST_P(StyleParity, CmdbImportThenSearchFindsTheInstance) {
  auto object = "host_" + style();
  auto imported = send("POST", "cmdb/import/" + object,
                       R"([{"name": "web-1", "os": "linux"}, {"name": "db-1", "os": "bsd"}])");
  ASSERT_EQ(imported.result_int(), 200);
  EXPECT_EQ(masked(imported),
            (json::object{{"message", "POST request successful"},
                          {"data", {{"object_id", object}, {"created", 2}, {"updated", 0}}}}));
  auto found = get("cmdb/search/" + object + "?os=linux");
  ASSERT_EQ(found.result_int(), 200);
  EXPECT_EQ(
      masked(found),
      (json::object{
          {"message", "GET request successful"},
          {"data", {{"total", 1}, {"list", json::array{{{"name", "web-1"}, {"os", "linux"}}}}}}}));
}

TEST_P(StyleParity, CmdbImportOfEmptyOrInvalidJsonIs400) {
  for (auto body : {"", "not json", "[]", "{}"}) {
    auto r = send("POST", "cmdb/import/host", body);
    EXPECT_EQ(r.result_int(), 400) << body;
    EXPECT_EQ(masked(r), (json::object{{"message", "Invalid input data"}})) << body;
  }
}

// What the upstream refuses as the client's mistake comes back as 400 with the upstream's own
// message; before, it was a 502 that dropped the reason.
TEST_P(StyleParity, CmdbInputTheUpstreamRefusesIs400WithItsMessage) {
  auto refused = send("POST", "cmdb/import/x", R"([{"a": 1}])");
  EXPECT_EQ(refused.result_int(), 400);
  EXPECT_EQ(masked(refused), (json::object{{"message", "POST request failed"},
                                           {"error", "every instance needs a string \"name\""}}));
  auto bad_byte = get("cmdb/search/x?name=%FF");  // not UTF-8: the upstream's JSON parser refuses
  EXPECT_EQ(bad_byte.result_int(), 400) << bad_byte.body();
  EXPECT_EQ(masked(bad_byte).at("message"), "GET request failed");
}

// An upstream that answers 500 has failed us: 502, saying only its status.
TEST_P(StyleParity, AnUpstreamErrorStatusOfItsOwnIs502) {
  auto failed = send("POST", "cmdb/import/x", R"([{"name": "a"}])", "application/json",
                     the_world().failing.port());
  EXPECT_EQ(failed.result_int(), 502);
  EXPECT_EQ(masked(failed), (json::object{{"message", "POST request failed"},
                                          {"error", "the upstream answered HTTP 500"}}));
  auto fetch = get("fetch", the_world().failing.port());
  EXPECT_EQ(fetch.result_int(), 502);
}

TEST_P(StyleParity, CmdbUpstreamFailureIs502AndTimeoutIs504) {
  auto failed = send("POST", "cmdb/import/host", R"([{"name": "a"}])", "application/json",
                     the_world().refused.port());
  EXPECT_EQ(failed.result_int(), 502);
  EXPECT_EQ(masked(failed),
            (json::object{{"message", "POST request failed"}, {"error", "could not connect"}}));
  auto late = get("cmdb/search/host", the_world().timing_out.port());
  EXPECT_EQ(late.result_int(), 504);
  EXPECT_EQ(masked(late).at("message"), "GET request failed");
}

std::string multipart(const std::string& field, const std::string& filename,
                      const std::string& content) {
  return "--BOUNDARY\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" +
         filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + content +
         "\r\n--BOUNDARY--\r\n";
}
const std::string kMultipart = "multipart/form-data; boundary=BOUNDARY";

TEST_P(StyleParity, UploadSavesOnceAndDeleteRemoves) {
  auto name = style() + ".mp3";
  auto saved = send("POST", "upload", multipart("music", name, "ID3 bytes"), kMultipart);
  EXPECT_EQ(saved.result_int(), 201);
  EXPECT_EQ(masked(saved), (json::object{{"code", 201}, {"reason", "saved 1 file(s)"}}));
  EXPECT_TRUE(std::filesystem::exists(the_world().service.upload_dir() / "music" / name));

  auto again = send("POST", "upload", multipart("music", name, "ID3 bytes"), kMultipart);
  EXPECT_EQ(again.result_int(), 409);
  EXPECT_EQ(masked(again).at("code"), 409);

  auto removed = round_trip(
      the_world().service.port(),
      test::get_request(path("upload?directory=music&filename=" + name)).replace(0, 3, "DELETE"));
  EXPECT_EQ(removed.result_int(), 200);
  auto missing = round_trip(
      the_world().service.port(),
      test::get_request(path("upload?directory=music&filename=" + name)).replace(0, 3, "DELETE"));
  EXPECT_EQ(missing.result_int(), 404);
}

TEST_P(StyleParity, UploadRefusesWhatTheSeedRefuses) {
  auto code_of = [&](const std::string& body) {
    return masked(send("POST", "upload", body, kMultipart)).at("code");
  };
  EXPECT_EQ(
      code_of(
          "--BOUNDARY\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--BOUNDARY--\r\n"),
      400);  // no file
  EXPECT_EQ(code_of(multipart("music", "empty.mp3", "")), 400);
  EXPECT_EQ(code_of(multipart("music", "tool.exe", "MZ")), 415);
  EXPECT_EQ(code_of(multipart("..", "up.mp3", "x")), 400);
  EXPECT_EQ(code_of(multipart("music", "../../escape.mp3", "x")), 400);
  auto no_args =
      round_trip(the_world().service.port(),
                 test::get_request(path("upload?directory=music")).replace(0, 3, "DELETE"));
  EXPECT_EQ(no_args.result_int(), 400);
  EXPECT_FALSE(
      std::filesystem::exists(the_world().service.upload_dir().parent_path() / "escape.mp3"));
}

// Seed 001's second form: directory, filename and the file's bytes as url-encoded fields.
TEST_P(StyleParity, AUrlEncodedUploadSavesAsSeed001sSecondFormDoes) {
  const std::string form = "application/x-www-form-urlencoded";
  auto name = style() + "-form.mp3";
  auto saved =
      send("POST", "upload", "directory=voice&filename=" + name + "&body=ID3%20bytes", form);
  EXPECT_EQ(saved.result_int(), 201) << saved.body();
  std::ifstream in(the_world().service.upload_dir() / "voice" / name);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "ID3 bytes");
  auto missing = send("POST", "upload", "directory=voice&filename=" + name, form);
  EXPECT_EQ(missing.result_int(), 400);
  EXPECT_NE(missing.body().find("directory, filename and body"), std::string::npos);
  EXPECT_EQ(send("POST", "upload", "directory=..&filename=x.mp3&body=x", form).result_int(), 400);
}

// A name over 255 bytes made the file system throw, and the 500 echoed the server's path.
TEST_P(StyleParity, AnUploadNameTooLongIs400WithoutAServerPath) {
  const std::string upload_dir = the_world().service.upload_dir().string();
  for (const auto& [field, filename] :
       {std::pair{std::string("music"), std::string(300, 'a') + ".mp3"},
        std::pair{std::string(300, 'f'), std::string("song.mp3")}}) {
    auto response = send("POST", "upload", multipart(field, filename, "ID3"), kMultipart);
    EXPECT_EQ(response.result_int(), 400);
    EXPECT_EQ(response.body().find(upload_dir), std::string::npos) << response.body();
    EXPECT_EQ(response.body().find(std::string(100, filename[0])), std::string::npos);
  }
  auto removed = round_trip(
      the_world().service.port(),
      test::get_request(path("upload?directory=music&filename=" + std::string(300, 'a') + ".mp3"))
          .replace(0, 3, "DELETE"));
  EXPECT_EQ(removed.result_int(), 400);
  EXPECT_EQ(removed.body().find(upload_dir), std::string::npos) << removed.body();
}

TEST_P(StyleParity, StreamSendsOneChunkedLinePerInterval) {
  auto r = get("stream?n=3&ms=5");
  ASSERT_EQ(r.result_int(), 200);
  EXPECT_TRUE(r.chunked());
  EXPECT_EQ(r[http::field::content_type], "application/x-ndjson");
  std::istringstream lines(r.body());
  std::string line;
  int expected = 0;
  while (std::getline(lines, line)) EXPECT_EQ(json::parse(line).at("line"), expected++);
  EXPECT_EQ(expected, 3);
}

TEST_P(StyleParity, WrongMethodIs405AndUnknownEndpoint404) {
  auto wrong = send("POST", "hello", "x");
  EXPECT_EQ(wrong.result_int(), 405);
  EXPECT_EQ(wrong[http::field::allow], "GET");
  EXPECT_EQ(get("nothing-here").result_int(), 404);
}

// ---- The lesson, from the server's own clock ----------------------------------------------------

struct Interval {
  double started, finished;
  bool overlaps(const Interval& other) const {
    return started < other.finished && other.started < finished;
  }
  bool contains(double t) const { return started < t && t < finished; }
};

// Sends both requests at once, on two connections, and reads both answers' intervals.
std::pair<Interval, Interval> concurrently(const std::string& first, const std::string& second) {
  test::RawConnection a(the_world().service.port()), b(the_world().service.port());
  a.send(test::get_request(first));
  b.send(test::get_request(second));
  auto ra = a.read_response(20s), rb = b.read_response(20s);
  if (!ra || !rb) throw std::runtime_error("no answer");
  auto interval = [](const Response& r) {
    auto body = json::parse(r.body());
    return Interval{body.at("started_at").as_double(), body.at("finished_at").as_double()};
  };
  return {interval(*ra), interval(*rb)};
}

TEST(Lesson, TwoSyncSleepsDoNotOverlap) {
  auto [a, b] = concurrently("/sync/sleep?ms=100", "/sync/sleep?ms=100");
  EXPECT_FALSE(a.overlaps(b));
}

TEST(Lesson, TwoAsyncSleepsOverlapInEveryAsyncStyle) {
  for (std::string style : {"callback", "future", "coroutine", "threadpool"}) {
    auto [a, b] = concurrently("/" + style + "/sleep?ms=200", "/" + style + "/sleep?ms=200");
    EXPECT_TRUE(a.overlaps(b)) << style;
  }
}

TEST(Lesson, SyncComputeBlocksTheLoopForEveryoneElse) {
  // Nothing else runs on the loop while it computes: the other request neither starts nor ends
  // inside the computation, whichever was read first.
  auto [compute, other] = concurrently("/sync/compute?n=200000000", "/callback/sleep?ms=100");
  EXPECT_FALSE(compute.contains(other.started));
  EXPECT_FALSE(compute.contains(other.finished));
}

TEST(Lesson, ThreadpoolComputeLeavesTheLoopFree) {
  auto [compute, other] = concurrently("/threadpool/compute?n=200000000", "/callback/sleep?ms=50");
  EXPECT_TRUE(compute.overlaps(other));
}

}  // namespace
}  // namespace parity
