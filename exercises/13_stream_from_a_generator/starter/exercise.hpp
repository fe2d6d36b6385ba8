#pragma once
// Exercise 13: stream the lines of an async generator, each as it comes.
// The parts are in README.md; `parity learn check 13` runs their tests.

#include "exercises/support/world.hpp"

#include <boost/asio/experimental/coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace exercise {

using namespace parity;
using asio::experimental::coro;

// The generator: it yields the response's lines, each ending in "\n", and it may fail (throw)
// part-way. Its body is in the tests (test.cpp): they decide how many lines there are, when each
// one is made, and whether it fails, as a real source (a log, a search) would. It takes its
// executor from get_executor(). Leave it as it is.
struct Lines {
  asio::any_io_executor executor;
  asio::any_io_executor get_executor() const { return executor; }
  coro<std::string> make();
};

class LinesHandler : public http::RequestHandler {
 public:
  asio::awaitable<void> get() {
    set_header(http::field::content_type, "application/x-ndjson");
    Lines lines{get_executor()};
    auto generator = lines.make();
    // TODO: every line waits here until the last one is made, and all leave together. Send
    // each line as soon as the generator yields it: write() it, then co_await async_flush(...).
    std::string all;
    for (;;) {
      auto line = co_await generator.async_resume(asio::use_awaitable);
      if (!line) break;
      all += *line;
    }
    finish(all);
  }
};

inline void mount(http::Application& app, const exercises::Services&) {
  app.add<LinesHandler>("/lines");
}

}  // namespace exercise
