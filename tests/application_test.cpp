// Routing as in Tornado: whole-path regular expressions, named groups, reverse_url, and the
// methods a handler implements.

#include "common/http/web/application.hpp"
#include "common/http/wire/arguments.hpp"
#include "tests/test_handlers.hpp"

#include <gtest/gtest.h>

namespace parity::http {
namespace {

// A handler's query is a view into its request's target, which goes on after it (no NUL): the
// last value must end where the view does.
TEST(Arguments, AQueryViewIntoALongerBufferParsesToItsOwnEnd) {
  const std::string target = "format=jsonAND MORE";
  auto list = http::parse_query(std::string_view(target).substr(0, 11));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].first, "format");
  EXPECT_EQ(list[0].second, "json");
  // A stray '%' takes the hand-split path, which decodes each field from a view too.
  const std::string malformed = "a=%zz&b=c%20dAND MORE";
  auto split = http::parse_query(std::string_view(malformed).substr(0, 13));
  ASSERT_EQ(split.size(), 2u);
  EXPECT_EQ(split[0].second, "%zz");
  EXPECT_EQ(split[1].second, "c d");
}

TEST(Application, MatchesTheWholePathAndHandsOverNamedGroups) {
  Application app;
  app.add<test::ItemHandler>(R"(/cmdb/import/(?P<pk>\w+))", "import");
  auto match = app.match("/cmdb/import/host_1");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->args.named.at("pk"), "host_1");
  EXPECT_FALSE(app.match("/cmdb/import/host_1/extra"));
  EXPECT_FALSE(app.match("/prefix/cmdb/import/host_1"));
}

// A pattern of plain text is matched by comparison, without the regex: it must still mean what
// the regex would, the whole path and an escaped dot a dot.
TEST(Application, APlainTextRouteMatchesItsWholePathOnly) {
  Application app;
  app.add<test::HelloHandler>("/hello", "hello")
      .add<test::HelloHandler>(R"(/static/style\.css)", "css")
      .add<test::HelloHandler>("/hello/?", "slash")
      .add<test::HelloHandler>("/hell", "hell");
  ASSERT_TRUE(app.match("/hello"));
  EXPECT_EQ(app.match("/hello")->route->name, "hello");
  EXPECT_EQ(app.match("/hello/")->route->name, "slash");  // a quantifier: the regex decides
  EXPECT_EQ(app.match("/hell")->route->name, "hell");
  EXPECT_FALSE(app.match("/hello/x"));
  EXPECT_FALSE(app.match("/hel"));
  ASSERT_TRUE(app.match("/static/style.css"));
  EXPECT_EQ(app.match("/static/style.css")->route->name, "css");
  EXPECT_FALSE(app.match("/static/styleXcss"));
}

TEST(Application, DecodesPercentEscapesInGroups) {
  Application app;
  app.add<test::ItemHandler>(R"(/files/(?P<name>[^/]+))");
  auto match = app.match("/files/a%20b");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->args.named.at("name"), "a b");
}

TEST(Application, FirstMatchingRouteWins) {
  Application app;
  app.add<test::HelloHandler>("/a/special", "special")
      .add<test::ItemHandler>(R"(/a/(?P<id>\w+))", "any");
  EXPECT_EQ(app.match("/a/special")->route->name, "special");
  EXPECT_EQ(app.match("/a/other")->route->name, "any");
}

TEST(Application, APatternAddedBeforeAPlainTextRouteWinsOverIt) {
  Application app;
  app.add<test::ItemHandler>(R"(/a/(?P<id>\w+))", "any")
      .add<test::HelloHandler>("/a/special", "special")
      .add<test::HelloHandler>("/b", "first b")
      .add<test::HelloHandler>("/b", "second b");
  EXPECT_EQ(app.match("/a/special")->route->name, "any");
  EXPECT_EQ(app.match("/b")->route->name, "first b");
  EXPECT_FALSE(app.match("/c"));
}

TEST(Application, ReverseUrlFillsTheGroupsInOrder) {
  Application app;
  app.add<test::ItemHandler>(R"(/items/(?P<id>\w+)/(\d+))", "item");
  EXPECT_EQ(app.reverse_url("item", {"abc", "7"}), "/items/abc/7");
  EXPECT_EQ(app.reverse_url("item", {"a b", "7"}), "/items/a%20b/7");
  EXPECT_THROW(app.reverse_url("item", {"abc"}), std::invalid_argument);
  EXPECT_THROW(app.reverse_url("nope"), std::invalid_argument);
}

TEST(Application, KnowsWhichMethodsAHandlerImplements) {
  EXPECT_EQ(implemented_methods<test::HelloHandler>(), std::vector<verb>{verb::get});
  EXPECT_EQ(implemented_methods<test::EchoHandler>(), (std::vector<verb>{verb::post, verb::put}));
}

}  // namespace
}  // namespace parity::http
