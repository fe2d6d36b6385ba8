// Exercise 13's parts, as README.md numbers them. exercise.hpp comes from the include path.
//
// The generator's body is here: each test makes its lines when it chooses, and the generator
// waits for them. So "line 1 reached the client before line 2 was made" is proved by a gate
// the test holds shut, never by a clock.

#include <exercise.hpp>  // angle brackets: from the include path, never from beside this file

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <deque>
#include <optional>
#include <thread>

using parity::exercises::World;
using namespace std::chrono_literals;
namespace beast = boost::beast;

namespace {

// What the generator does next, as the test says.
struct Step {
  enum Kind { line, end, fail } kind = end;
  std::string text;
};

// The test's end of one generator: the generator makes a line only when the test gives one.
struct Feed : std::enable_shared_from_this<Feed> {
  explicit Feed(boost::asio::any_io_executor ex) : executor(std::move(ex)) {}
  boost::asio::any_io_executor executor;  // the generator's
  std::atomic<bool> stopped{false};       // its frame is gone: it ended, failed or was dropped

  void make(const std::string& text) { give({Step::line, text}); }
  void end() { give({Step::end, {}}); }
  void fail() { give({Step::fail, {}}); }

  // Completes once the test has given a step (at once if one is there), or with
  // operation_aborted if the wait is cancelled (the handler's coroutine was, say). One wait per
  // line: Boost 1.81's coro mishandles a second wait of the same resumption.
  template <class CompletionToken>
  auto async_wait(CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(boost::system::error_code)>(
        [self = shared_from_this()](auto handler) {
          auto slot = boost::asio::get_associated_cancellation_slot(handler);
          std::lock_guard lock(self->mutex_);
          self->waiter_.emplace(std::move(handler));
          if (slot.is_connected())
            slot.assign([self](boost::asio::cancellation_type) {
              std::lock_guard lock(self->mutex_);
              self->wake(boost::asio::error::operation_aborted);
            });
          if (!self->steps_.empty()) self->wake({});
        },
        token);
  }
  // The step the wait announced.
  Step take() {
    std::lock_guard lock(mutex_);
    Step step = std::move(steps_.front());
    steps_.pop_front();
    return step;
  }

 private:
  void give(Step step) {
    std::lock_guard lock(mutex_);
    steps_.push_back(std::move(step));
    wake({});
  }
  // Completes the waiting generator, if one waits, on its executor. mutex_ is held.
  void wake(boost::system::error_code ec) {
    if (!waiter_) return;
    auto waiter = std::move(*waiter_);
    waiter_.reset();
    boost::asio::post(executor,
                      [waiter = std::move(waiter), ec]() mutable { std::move(waiter)(ec); });
  }

  std::mutex mutex_;
  std::deque<Step> steps_;
  std::optional<boost::asio::any_completion_handler<void(boost::system::error_code)>> waiter_;
};

// The generators GET /lines started, in order. Each test starts with none (Generators below).
std::mutex generators_mutex;
std::vector<std::shared_ptr<Feed>> generators;

// Marks its feed stopped when the generator's frame goes, however it goes.
struct MarkStopped {
  Feed* feed;
  ~MarkStopped() { feed->stopped = true; }
};

}  // namespace

// The generator (declared in exercise.hpp): it yields what the test makes, when the test makes
// it; it returns when the test ends it, and throws when the test fails it.
exercise::coro<std::string> exercise::Lines::make() {
  auto feed = std::make_shared<Feed>(executor);
  {
    std::lock_guard lock(generators_mutex);
    generators.push_back(feed);
  }
  MarkStopped mark{feed.get()};
  for (;;) {
    co_await feed->async_wait(boost::asio::deferred);
    Step step = feed->take();
    if (step.kind == Step::end) co_return;
    if (step.kind == Step::fail)
      throw std::runtime_error("the generator failed (the test made it)");
    co_yield step.text;
  }
}

namespace {

// Bounded waits: a test fails after a few seconds with a sentence, it never hangs.
template <class Done>
bool wait_until(Done done, std::chrono::milliseconds patience = 3s) {
  auto deadline = std::chrono::steady_clock::now() + patience;
  while (!done() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  return done();
}

// Each test's generators: none at the start; at the end, any still waiting is ended, so that
// nothing waits on after the test.
class Generators {
 public:
  Generators() {
    std::lock_guard lock(generators_mutex);
    generators.clear();
  }
  ~Generators() {
    std::vector<std::shared_ptr<Feed>> all;
    {
      std::lock_guard lock(generators_mutex);
      all.swap(generators);
    }
    for (auto& feed : all)
      if (!feed->stopped) feed->end();
    for (auto& feed : all) wait_until([&] { return feed->stopped.load(); }, 2s);
  }
  // The nth generator GET /lines started (1 for the first), 3 s at most; null if none came.
  std::shared_ptr<Feed> nth(std::size_t n) {
    std::shared_ptr<Feed> feed;
    wait_until([&] {
      std::lock_guard lock(generators_mutex);
      if (generators.size() >= n) feed = generators[n - 1];
      return feed != nullptr;
    });
    return feed;
  }
  std::size_t started() {
    std::lock_guard lock(generators_mutex);
    return generators.size();
  }
};

// A client of GET /lines on a raw socket, which reads the response as it comes.
class Client {
 public:
  explicit Client(unsigned short port) : socket_(io_) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    boost::asio::write(socket_,
                       boost::asio::buffer(std::string("GET /lines HTTP/1.1\r\nHost: x\r\n\r\n")));
    parser_.body_limit(64 * 1024 * 1024);
  }

  // Reads until `enough()` holds, the response is complete or the connection ends; 3 s at most.
  template <class Enough>
  bool read_until(Enough enough, std::chrono::milliseconds patience = 3s) {
    auto deadline = std::chrono::steady_clock::now() + patience;
    while (!enough() && !parser_.is_done() && !ended_) {
      auto left = deadline - std::chrono::steady_clock::now();
      if (left <= 0s) break;
      bool read = false;
      boost::system::error_code error;
      beast::http::async_read_some(socket_, buffer_, parser_,
                                   [&](boost::system::error_code ec, std::size_t) {
                                     error = ec;
                                     read = true;
                                   });
      io_.restart();
      io_.run_for(std::chrono::duration_cast<std::chrono::milliseconds>(left));
      if (!read) {  // nothing came in time: stop the read, and let it complete here
        socket_.cancel();
        io_.restart();
        io_.run();
        break;
      }
      if (error) ended_ = true;
    }
    return enough();
  }
  // Reads until the response is complete or cut; 3 s at most.
  void read_to_the_end() {
    read_until([] { return false; });
  }
  // Reads until `count` whole lines have come; 3 s at most.
  bool read_lines(std::size_t count) {
    return read_until([&] { return lines().size() >= count; });
  }

  // The whole lines of the body so far, each with its "\n".
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    const std::string& body = parser_.get().body();
    for (std::size_t at = 0, end; (end = body.find('\n', at)) != std::string::npos; at = end + 1)
      out.push_back(body.substr(at, end - at + 1));
    return out;
  }
  const std::string& body() const { return parser_.get().body(); }
  std::string content_type() const {
    return parser_.is_header_done() ? std::string(parser_.get()[beast::http::field::content_type])
                                    : std::string();
  }
  unsigned status() const { return parser_.is_header_done() ? parser_.get().result_int() : 0; }
  // The response came whole: with chunks, the last, empty one came.
  bool complete() const { return parser_.is_done(); }
  // The connection closed before the response was complete.
  bool cut() const { return ended_ && !parser_.is_done(); }
  void leave() {
    boost::system::error_code ignored;
    socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  beast::flat_buffer buffer_;
  beast::http::response_parser<beast::http::string_body> parser_;
  bool ended_ = false;
};

// The nth line: JSON, with a number and some text that only this line has.
std::string line(int n, std::size_t padding = 8) {
  return "{\"line\": " + std::to_string(n) + ", \"text\": \"" +
         std::string(padding, static_cast<char>('a' + n % 26)) + "\"}\n";
}

// "2 lines, then the last, empty chunk", to show what the client got.
std::string what_came(const Client& client) {
  std::string out = client.status() ? "status " + std::to_string(client.status()) : "no status";
  out += ", " + std::to_string(client.lines().size()) + " line(s)";
  if (client.complete()) return out + ", then the end of the response";
  if (client.cut()) return out + ", then the connection closed";
  return out + ", and then nothing more";
}

const char* const kNoGenerator =
    "GET /lines never started the generator: make it with Lines{get_executor()}.make()";

}  // namespace

TEST(Exercise13, Part1_EveryLineArrivesInOrder) {
  World world(exercise::mount);
  Generators generators;
  Client client(world.port());
  auto feed = generators.nth(1);
  REQUIRE_BECAUSE(feed, kNoGenerator);
  // Six lines at once, the last one long (100 KiB): all of them, whole, in order.
  std::string expected;
  for (int n = 1; n <= 6; ++n) {
    std::string text = line(n, n == 6 ? 100 * 1024 : 8);
    expected += text;
    feed->make(text);
  }
  feed->end();
  client.read_to_the_end();
  EXPECT_BECAUSE(client.status() == 200,
                 "GET /lines answered " << what_came(client) << ", not 200" << world.server_said());
  std::string type = client.content_type();
  EXPECT_BECAUSE(
      client.status() != 200 || type == "application/x-ndjson",
      "GET /lines answered with Content-Type \"" << type << "\", not application/x-ndjson");
  EXPECT_BECAUSE(client.lines().size() == 6, "GET /lines sent " << client.lines().size()
                                                                << " of the generator's 6 lines ("
                                                                << what_came(client) << ")");
  EXPECT_BECAUSE(client.lines().size() != 6 || client.body() == expected,
                 "GET /lines sent 6 lines, but not the generator's 6, as they were and in order: "
                 "write each line just as the generator yields it");
  EXPECT_BECAUSE(client.complete(), "after the generator's last line the response did not end ("
                                        << what_came(client)
                                        << "): let get() return once the generator has");
}

TEST(Exercise13, Part2_EachLineLeavesWhenItIsMade) {
  World world(exercise::mount);
  Generators generators;
  Client client(world.port());
  auto feed = generators.nth(1);
  REQUIRE_BECAUSE(feed, kNoGenerator);
  // The test makes line n+1 only once the client has line n: a line that waits for the next one
  // never arrives, however fast the machine.
  for (int n = 1; n <= 2; ++n) {
    feed->make(line(n));
    REQUIRE_BECAUSE(client.read_lines(n),
                    "line " << n << " was made, and 3 s later the client still did not have it ("
                            << what_came(client) << "), while the generator waited for the test "
                            << "to make line " << n + 1
                            << ": the lines waited for each other. Write and flush each line as "
                               "the generator yields it.");
  }
  feed->end();
  client.read_to_the_end();
  EXPECT_BECAUSE(client.complete() && client.body() == line(1) + line(2),
                 "the generator made 2 lines and ended, and the client got "
                     << what_came(client) << ": expected those 2 lines, then the end");
}

TEST(Exercise13, Part3_AnEmptyGeneratorIsAnEmptyAnswer) {
  World world(exercise::mount);
  Generators generators;
  Client client(world.port());
  auto feed = generators.nth(1);
  REQUIRE_BECAUSE(feed, kNoGenerator);
  feed->end();  // no line at all
  client.read_to_the_end();
  EXPECT_BECAUSE(client.status() == 200 && client.complete() && client.body().empty(),
                 "a generator with no line at all got "
                     << what_came(client) << " (body \"" << client.body().substr(0, 40)
                     << "\"): expected 200, an empty body, and the end" << world.server_said());
}

TEST(Exercise13, Part4_AGeneratorThatFailsCutsTheStream) {
  World world(exercise::mount);
  Generators generators;
  {
    // Failing before its first line: nothing was sent yet, so the answer can still say it.
    Client client(world.port());
    auto feed = generators.nth(1);
    REQUIRE_BECAUSE(feed, kNoGenerator);
    feed->fail();
    client.read_to_the_end();
    EXPECT_BECAUSE(client.status() == 500,
                   "the generator failed before its first line, and the client got "
                       << what_came(client)
                       << ": expected 500. Let the generator's exception leave get() (do not "
                          "catch it): the core answers it");
  }
  {
    // Failing after two lines: 200 went out with them, so only a cut connection can tell the
    // client that the stream is not whole.
    Client client(world.port());
    auto feed = generators.nth(2);
    REQUIRE_BECAUSE(feed, kNoGenerator);
    feed->make(line(1));
    feed->make(line(2));
    REQUIRE_BECAUSE(client.read_lines(2),
                    "the generator made 2 lines, and 3 s later the client had "
                        << what_came(client)
                        << ": write and flush each line as the generator "
                           "yields it");
    feed->fail();
    client.read_to_the_end();
    EXPECT_BECAUSE(client.body() == line(1) + line(2),
                   "the generator made 2 lines and then failed, and the client got something "
                   "else than those 2 lines: "
                       << what_came(client));
    EXPECT_BECAUSE(client.cut(),
                   "the generator failed after 2 lines, and the client got "
                       << what_came(client)
                       << ": the stream looked whole, so the client cannot tell it was cut. Let "
                          "the generator's exception leave get() (do not catch it): the core then "
                          "closes the connection");
  }
}

TEST(Exercise13, Part5_AClientThatLeavesStopsTheGenerator) {
  World world(exercise::mount);
  Generators generators;
  Client client(world.port());
  auto feed = generators.nth(1);
  REQUIRE_BECAUSE(feed, kNoGenerator);
  feed->make(line(1));
  REQUIRE_BECAUSE(client.read_lines(1),
                  "line 1 was made, and 3 s later the client still did not have it ("
                      << what_came(client)
                      << "): write and flush each line as the generator yields it");
  client.leave();
  // No more lines are made: the generator waits for its next one until someone stops it.
  EXPECT_BECAUSE(wait_until([&] { return feed->stopped.load(); }),
                 "the client left after line 1, and 3 s later the generator still waited to make "
                 "line 2 for nobody: the handler must stop with the client. A get() coroutine is "
                 "cancelled when the client goes, and the generator with it; a callback or a "
                 "detached coroutine is not");
  EXPECT_BECAUSE(generators.started() == 1,
                 "one GET /lines started " << generators.started() << " generators");
}
