// Text that goes into an HTML page is escaped through one function: the index's route patterns
// show as written, and nothing a name holds can become markup.

#include "common/http/web/html.hpp"
#include "app/service_thread.hpp"
#include "tests/support/raw_connection.hpp"

#include <gtest/gtest.h>

namespace parity {
namespace {

TEST(EscapeHtml, TurnsEveryMarkupCharacterIntoAReference) {
  EXPECT_EQ(http::escape_html(R"(<b a="1">Tom & 'Jerry'</b>)"),
            "&lt;b a=&quot;1&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/b&gt;");
  EXPECT_EQ(http::escape_html("plain /sync/fetch"), "plain /sync/fetch");
}

TEST(EscapeHtml, TheIndexShowsRoutePatternsAsWritten) {
  app::ServiceThread service{{.upstream_url = "http://127.0.0.1:9", .max_clients = 0}};
  test::RawConnection c(service.port());
  c.send(test::get_request("/"));
  auto response = c.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200);
  EXPECT_NE(response->body().find(R"(/sync/cmdb/search/(?P&lt;pk&gt;\w+))"), std::string::npos);
  EXPECT_EQ(response->body().find("(?P<pk>"), std::string::npos);
}

}  // namespace
}  // namespace parity
