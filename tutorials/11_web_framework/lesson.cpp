// Lesson 11: the web framework under every style, with Tornado's names. Routes with named groups
// and reverse_url; a handler's lifecycle, in the order the core calls it; prepare() that ends a
// request early and write_error() that shapes the error; on_connection_close() when the client
// leaves; redirects, from code and from the route table.

#include "tutorials/11_web_framework/lesson.hpp"

#include "common/http/client/client.hpp"
#include "common/http/server/server_thread.hpp"
#include "common/http/web/redirect_handler.hpp"
#include "tutorials/support.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <mutex>
#include <thread>

namespace parity::tutorials {
namespace {

// What the handlers did, in order; written on the server's thread, read on the step's.
class Journal {
 public:
  void add(std::string event) {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
  }
  std::vector<std::string> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  bool has(const std::string& event) const {
    auto all = events();
    return std::find(all.begin(), all.end(), event) != all.end();
  }
  void clear() {
    std::lock_guard lock(mutex_);
    events_.clear();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> events_;
};

// [excerpt: lifecycle]
// Every lifecycle method, each noting that it ran.
class ItemHandler : public http::RequestHandler {
 public:
  void initialize(Journal* journal) {  // the route's arguments, as Tornado's initialize(**kwargs)
    journal_ = journal;
    journal_->add("initialize");
  }
  void set_default_headers() override {
    set_header("X-Served-By", "parity");
    journal_->add("set_default_headers");
  }
  void prepare() override { journal_->add("prepare"); }
  void get() {
    journal_->add("get");
    const auto& id = path_arg("id");
    finish(boost::json::value{{"id", id}, {"self", reverse_url("item", {id})}});
  }
  void on_finish() override { journal_->add("on_finish"); }

 private:
  Journal* journal_ = nullptr;
};
// [/excerpt]

// [excerpt: prepare_and_write_error]
// prepare() may end the request before get() runs: here, without a token, with a redirect to
// the login page. write_error() shapes every error this handler answers.
class AccountHandler : public http::RequestHandler {
 public:
  void initialize(Journal* journal) { journal_ = journal; }
  void prepare() override {
    if (!query_argument("token")) redirect("/login");
  }
  void get() {
    journal_->add("account get");
    if (query_argument("token") != "secret") throw http::HttpError(403, "that token is wrong");
    finish("your account\n");
  }
  void write_error(unsigned status, std::string_view reason) override {
    set_header(http::field::content_type, "text/plain; charset=UTF-8");
    finish(fmt::format("Sorry: {} ({})\n", reason, status));
  }

 private:
  Journal* journal_ = nullptr;
};
// [/excerpt]

// [excerpt: on_connection_close]
// A minute's work that nobody will wait for: on_connection_close() says the client left.
class SlowHandler : public http::RequestHandler {
 public:
  void initialize(Journal* journal) { journal_ = journal; }
  asio::awaitable<void> get() {
    journal_->add("slow get started");
    asio::steady_timer minute(get_executor(), 60s);
    co_await minute.async_wait(asio::use_awaitable);  // cancelled when the client goes
    finish("done\n");
  }
  void on_connection_close() override { journal_->add("on_connection_close"); }

 private:
  Journal* journal_ = nullptr;
};
// [/excerpt]

class LoginHandler : public http::RequestHandler {
 public:
  void get() { finish("the login page\n"); }
};

// The lesson's application and a server for it, for the length of a step.
struct Site {
  Journal journal;
  std::shared_ptr<http::Application> app = make_app(&journal);
  http::ServerThread server;
  Site() {
    http::ServerOptions quiet;
    quiet.access_log = false;
    server.start(app, quiet);
  }
  http::FetchResponse get(const std::string& target) {
    return http::fetch_blocking({"GET", server.url(target)}, {.raise_error = false});
  }

  static std::shared_ptr<http::Application> make_app(Journal* journal) {
    auto app = std::make_shared<http::Application>();
    // [excerpt: routes]
    app->add<ItemHandler>(R"(/items/(?P<id>[^/]+))", "item", journal)
        .add<http::RedirectHandler>(R"(/item/(?P<id>[^/]+))", "", std::string("/items/{id}"))
        .add<AccountHandler>("/account", "account", journal)
        .add<LoginHandler>("/login", "login")
        .add<SlowHandler>("/slow", "slow", journal);
    // [/excerpt]
    return app;
  }
};

StepResult routes_and_reverse_url() {
  Site site;
  auto item = site.get("/items/42");
  auto reversed = site.app->reverse_url("item", {"a b/c"});
  StepResult result;
  result.output = fmt::format(
      "GET /items/42 -> HTTP {} {}\n"
      "app.reverse_url(\"item\", {{\"a b/c\"}}) -> {}\n",
      item.status, item.body, reversed);
  result.notice =
      "the route's pattern is a whole-path regular expression with named groups, as Tornado's "
      "(?P<id>...); the handler reads them with path_arg(). reverse_url builds a path back from "
      "the route's name, percent-encoding each value, so no handler writes a URL by hand.";
  result.figures["status"] = item.status;
  result.figures["self_link"] = item.body.find("\"self\":\"/items/42\"") != std::string::npos;
  result.figures["encoded"] = reversed == "/items/a%20b%2Fc";
  return result;
}

// Polls the journal for `event`, 5 s at most.
bool wait_for(const Journal& journal, const std::string& event) {
  auto deadline = Clock::now() + 5s;
  while (!journal.has(event) && Clock::now() < deadline) std::this_thread::sleep_for(5ms);
  return journal.has(event);
}

StepResult the_lifecycle_in_order() {
  Site site;
  auto item = site.get("/items/7");
  // on_finish runs once the response has gone, as Tornado's does: the client may read its answer
  // before the server thread gets there.
  wait_for(site.journal, "on_finish");
  auto events = site.journal.events();
  const std::vector<std::string> expected{"initialize", "set_default_headers", "prepare", "get",
                                          "on_finish"};
  StepResult result;
  result.output = fmt::format(
      "GET /items/7 -> HTTP {}, X-Served-By: {}\n"
      "the handler's methods ran in this order:\n  {}\n",
      item.status, std::string(item.headers["X-Served-By"]), fmt::join(events, " -> "));
  result.notice =
      "a new handler object per request, then initialize (with the route's arguments), "
      "set_default_headers, prepare, the method, on_finish: seed 003's list, in its order.";
  result.figures["in_order"] = events == expected ? 1 : 0;
  return result;
}

StepResult prepare_ends_a_request_and_write_error_shapes_it() {
  Site site;
  auto no_token = site.get("/account");
  auto wrong = site.get("/account?token=guess");
  auto right = site.get("/account?token=secret");
  auto events = site.journal.events();
  auto get_ran = std::count(events.begin(), events.end(), "account get");
  StepResult result;
  result.output = fmt::format(
      "GET /account              -> HTTP {}, Location: {}\n"
      "GET /account?token=guess  -> HTTP {}: {}"
      "GET /account?token=secret -> HTTP {}: {}"
      "get() ran {} times\n",
      no_token.status, std::string(no_token.headers[http::field::location]), wrong.status,
      wrong.body, right.status, right.body, get_ran);
  result.notice =
      "prepare() redirected the request without a token, so get() never ran for it. The wrong "
      "token raised HttpError(403), and write_error() turned it into this handler's own plain "
      "text instead of the default JSON.";
  result.figures["redirected"] = no_token.status;
  result.figures["forbidden"] = wrong.status;
  result.figures["get_ran"] = static_cast<double>(get_ran);
  result.figures["own_error_body"] = wrong.body.starts_with("Sorry: that token is wrong (403)");
  return result;
}

StepResult on_connection_close_when_the_client_leaves() {
  Site site;
  asio::io_context io;
  asio::ip::tcp::socket client(io);
  client.connect({asio::ip::make_address("127.0.0.1"), site.server.port()});
  asio::write(client, asio::buffer(std::string("GET /slow HTTP/1.1\r\nHost: parity\r\n\r\n")));
  bool started = wait_for(site.journal, "slow get started");
  client.close();
  bool heard = wait_for(site.journal, "on_connection_close");
  StepResult result;
  result.output = fmt::format(
      "a client sends GET /slow (a minute's work) and hangs up once get() has started:\n"
      "  {}\n",
      fmt::join(site.journal.events(), " -> "));
  result.notice =
      "the core noticed the closed connection while the coroutine waited, called "
      "on_connection_close(), and cancelled the coroutine's timer through the close signal: "
      "lesson 07.5's cancellation, seen from inside the handler.";
  result.figures["started"] = started;
  result.figures["heard"] = heard;
  return result;
}

StepResult redirects() {
  Site site;
  auto moved = site.get("/item/42?format=json");
  auto login = site.get("/account");
  StepResult result;
  result.output = fmt::format(
      "GET /item/42?format=json -> HTTP {}, Location: {}   (a RedirectHandler route)\n"
      "GET /account             -> HTTP {}, Location: {}   (redirect() in prepare)\n",
      moved.status, std::string(moved.headers[http::field::location]), login.status,
      std::string(login.headers[http::field::location]));
  result.notice =
      "two ways, as seed 003 §1.2.7 says: redirect(url) from any handler (302, or 301 when "
      "permanent), and a RedirectHandler in the route table (301 by default) that fills in the "
      "route's groups and keeps the query.";
  result.figures["route_status"] = moved.status;
  result.figures["route_location"] =
      moved.headers[http::field::location] == "/items/42?format=json";
  result.figures["code_status"] = login.status;
  return result;
}

}  // namespace

Lesson web_framework_lesson() {
  return {.id = "11",
          .folder = "tutorials/11_web_framework",
          .title = "The web framework",
          .seeds = "003 §1.2",
          .minutes = 15,
          .steps = {{"11.1", "routes, named groups and reverse_url", routes_and_reverse_url},
                    {"11.2", "the lifecycle, in order", the_lifecycle_in_order},
                    {"11.3", "prepare() ends a request early; write_error() shapes errors",
                     prepare_ends_a_request_and_write_error_shapes_it},
                    {"11.4", "on_connection_close() when the client leaves",
                     on_connection_close_when_the_client_leaves},
                    {"11.5", "redirects, from code and from the route table", redirects}}};
}

}  // namespace parity::tutorials
