// `parity diff`: an endpoint's class in two styles, found by name, diffed line by line; and the
// teaching target it serves: for fetch, sleep and chain, sync -> coroutine and sync -> threadpool
// change at most 12 lines.

#include "tools/diff/style_diff.hpp"

#include <gtest/gtest.h>

namespace parity {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (auto end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

diff::UnifiedDiff diff(const std::string& endpoint, const std::string& a, const std::string& b) {
  auto sources = diff::find_style_sources(std::nullopt);
  return diff::unified_diff(diff::read_endpoint(sources, a, endpoint),
                            diff::read_endpoint(sources, b, endpoint));
}

TEST(StyleDiff, FetchFromSyncToCoroutineChangesTheMethodAndTheCallOnly) {
  auto d = diff("fetch", "sync", "coroutine");
  auto lines = lines_of(d.text);
  ASSERT_GE(lines.size(), 4u);
  EXPECT_EQ(lines[0], "--- styles/sync/sync_style.cpp");
  EXPECT_EQ(lines[1], "+++ styles/coroutine/coroutine_style.cpp");
  EXPECT_TRUE(lines[2].starts_with("@@ -")) << lines[2];
  EXPECT_EQ(lines[3], " class FetchHandler final : public Endpoint {");
  std::vector<std::string> changed;
  for (const auto& line : lines)
    if ((line[0] == '-' || line[0] == '+') && !line.starts_with("---") && !line.starts_with("+++"))
      changed.push_back(line);
  EXPECT_EQ(changed,
            (std::vector<std::string>{
                "-  void get() {",
                "+  asio::awaitable<void> get() {",
                "+    http::ArgumentList params;",
                "-      auto reply = upstream().delay_blocking({});",
                "+      auto reply = co_await upstream().async_delay(params, use_awaitable);",
            }));
  EXPECT_EQ(d.removed, 2);
  EXPECT_EQ(d.added, 3);
  EXPECT_EQ(lines.back(), " };");
}

TEST(StyleDiff, SyncToCoroutineAndToThreadpoolStayWithinTwelveLines) {
  for (const char* endpoint : {"fetch", "sleep", "chain"}) {
    for (const char* style : {"coroutine", "threadpool"}) {
      auto d = diff(endpoint, "sync", style);
      EXPECT_LE(d.removed + d.added, 12) << endpoint << ": sync -> " << style << "\n" << d.text;
      EXPECT_GT(d.removed + d.added, 0) << endpoint << ": sync -> " << style;
    }
  }
}

TEST(StyleDiff, EveryEndpointIsFoundInEveryStyle) {
  auto sources = diff::find_style_sources(std::nullopt);
  for (const char* style : {"sync", "callback", "future", "coroutine", "threadpool"}) {
    for (const auto& endpoint : diff::endpoint_names()) {
      auto source = diff::read_endpoint(sources, style, endpoint);
      EXPECT_GT(source.lines.size(), 3u) << style << " " << endpoint;
      EXPECT_EQ(source.lines.back(), "};") << style << " " << endpoint;
    }
  }
}

TEST(StyleDiff, AnUnknownEndpointOrStyleIsRefusedWithTheChoices) {
  auto sources = diff::find_style_sources(std::nullopt);
  try {
    diff::read_endpoint(sources, "sync", "fetchh");
    FAIL() << "an unknown endpoint was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("one of: hello, fetch"), std::string::npos) << e.what();
  }
  EXPECT_THROW(diff::read_endpoint(sources, "greenlet", "fetch"), std::invalid_argument);
}

TEST(StyleDiff, ColourMarksRemovedLinesRedAndAddedGreen) {
  auto sources = diff::find_style_sources(std::nullopt);
  auto d = diff::unified_diff(diff::read_endpoint(sources, "sync", "fetch"),
                              diff::read_endpoint(sources, "coroutine", "fetch"), true);
  EXPECT_NE(d.text.find("\x1b[31m-  void get() {\x1b[0m"), std::string::npos);
  EXPECT_NE(d.text.find("\x1b[32m+  asio::awaitable<void> get() {\x1b[0m"), std::string::npos);
}

}  // namespace
}  // namespace parity
