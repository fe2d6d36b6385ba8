// Redirects as in Tornado: RequestHandler::redirect() and the RedirectHandler route.

#include "common/http/client/client.hpp"
#include "common/http/web/application.hpp"
#include "common/http/web/redirect_handler.hpp"
#include "tests/support/test_server.hpp"

#include <gtest/gtest.h>

namespace parity::http {
namespace {

class GoHome : public RequestHandler {
 public:
  void get() { redirect("/home"); }
};

class SplitsTheResponse : public RequestHandler {
 public:
  void get() { redirect("/x\r\nSet-Cookie: stolen=1"); }
};

class RedirectTest : public ::testing::Test {
 protected:
  std::shared_ptr<Application> app = [] {
    auto app = std::make_shared<Application>();
    app->add<GoHome>("/go-home")
        .add<SplitsTheResponse>("/split")
        .add<RedirectHandler>("/old", "", std::string("/new"))
        .add<RedirectHandler>(R"(/u/(?P<id>[^/]+))", "", std::string("/users/{id}"), false)
        .add<RedirectHandler>(R"(/p/(\w+)/(\w+))", "", std::string("/pages/{1}/{0}"));
    return app;
  }();
  test::TestServer server{app};
  FetchResponse get(const std::string& target) {
    return fetch_blocking({"GET", server.url(target)}, {.raise_error = false});
  }
};

TEST_F(RedirectTest, RedirectAnswers302WithTheLocation) {
  auto response = get("/go-home");
  EXPECT_EQ(response.status, 302u);
  EXPECT_EQ(response.headers[field::location], "/home");
}

TEST_F(RedirectTest, ARedirectHandlerIsPermanentByDefaultAndKeepsTheQuery) {
  auto response = get("/old?page=2");
  EXPECT_EQ(response.status, 301u);
  EXPECT_EQ(response.headers[field::location], "/new?page=2");
}

TEST_F(RedirectTest, ARedirectHandlerFillsInTheRoutesGroupsByNameAndPosition) {
  auto named = get("/u/ada");
  EXPECT_EQ(named.status, 302u);
  EXPECT_EQ(named.headers[field::location], "/users/ada");
  EXPECT_EQ(get("/p/a/b").headers[field::location], "/pages/b/a");
}

TEST_F(RedirectTest, ALineBreakNeverReachesTheLocationHeader) {
  auto decoded = get("/u/x%0d%0aSet-Cookie:%20stolen=1");  // a group decodes to CR LF
  EXPECT_EQ(decoded.status, 400u);
  EXPECT_EQ(decoded.headers.count("Set-Cookie"), 0u);
  auto in_code = get("/split");
  EXPECT_EQ(in_code.status, 500u);
  EXPECT_EQ(in_code.headers.count("Set-Cookie"), 0u);
  EXPECT_EQ(in_code.body.find("stolen"), std::string::npos);
  EXPECT_EQ(get("/go-home").status, 302u);  // and the server goes on
}

}  // namespace
}  // namespace parity::http
