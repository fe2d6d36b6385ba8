// Lesson 17.5's two GCC 12 pitfalls, each with its fix, as a program of its own: tutorials/
// CMakeLists.txt builds it with AddressSanitizer (and only it), and the lesson runs it.
//   tutorial-17-pitfalls capturing-lambda | capturing-lambda-fixed
//                        braced-temporary | braced-temporary-fixed
// The broken two end in ASan's report (stack-use-after-scope, attempting double-free); the fixed
// two print what they read and exit 0.

#include "tutorials/16_a_loop_from_scratch/toy_loop.hpp"
#include "tutorials/17_co_await_from_scratch/task.hpp"

#include <cstdio>
#include <cstring>
#include <string>

using namespace parity::toy;
using namespace std::chrono_literals;

namespace {

void run_briefly(Loop& loop) {
  loop.call_later(20ms, [&] { loop.stop(); });
  loop.run();
}

int capturing_lambda(bool fixed) {
  Loop loop;
  Scope scope;
  std::string name(40, 'x');
  std::size_t seen = 0;
  if (!fixed) {
    // [excerpt: capturing_lambda]
    // The closure is a temporary that dies at the end of this statement; the coroutine's frame
    // keeps only a pointer to it, and reads `name` through it after the co_await.
    scope.spawn([name, &seen, &loop]() -> Task {
      co_await sleep_for(loop, 1ms);
      seen = name.size();
    }());
    // [/excerpt]
  } else {
    // [excerpt: capturing_lambda_fixed]
    // No captures: parameters are copied into the frame, which lives as long as the coroutine.
    scope.spawn([](Loop& loop, std::string name, std::size_t& seen) -> Task {
      co_await sleep_for(loop, 1ms);
      seen = name.size();
    }(loop, name, seen));
    // [/excerpt]
  }
  run_briefly(loop);
  std::printf("read a name of %zu characters\n", seen);
  return seen == 40 ? 0 : 1;
}

struct Greeting {
  std::string text;  // a destructor that frees: what GCC 12 runs twice
};

// An awaiter that suspends for a millisecond, then gives the greeting's length.
struct Measure {
  Loop& loop;
  std::size_t size;
  bool await_ready() const { return false; }
  void await_suspend(std::coroutine_handle<> handle) {
    loop.call_later(1ms, [handle] { handle.resume(); });
  }
  std::size_t await_resume() const { return size; }
};
Measure measure(Loop& loop, const Greeting& greeting) {
  return {loop, greeting.text.size()};
}

// [excerpt: braced_temporary]
// {std::string(...)} makes a Greeting temporary inside the co_await: GCC 12 destroys it twice.
Task with_a_temporary(Loop& loop, std::size_t& seen) {
  seen = co_await measure(loop, {std::string(40, 'x')});
}
// [/excerpt]

// [excerpt: braced_temporary_fixed]
// Named first, it is an ordinary local of the frame, destroyed once.
Task with_a_name(Loop& loop, std::size_t& seen) {
  Greeting greeting{std::string(40, 'x')};
  seen = co_await measure(loop, greeting);
}
// [/excerpt]

int braced_temporary(bool fixed) {
  Loop loop;
  Scope scope;
  std::size_t seen = 0;
  scope.spawn(fixed ? with_a_name(loop, seen) : with_a_temporary(loop, seen));
  run_briefly(loop);
  std::printf("measured a greeting of %zu characters\n", seen);
  return seen == 40 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "capturing-lambda") return capturing_lambda(false);
  if (mode == "capturing-lambda-fixed") return capturing_lambda(true);
  if (mode == "braced-temporary") return braced_temporary(false);
  if (mode == "braced-temporary-fixed") return braced_temporary(true);
  std::fprintf(stderr,
               "usage: %s capturing-lambda|capturing-lambda-fixed|braced-temporary|"
               "braced-temporary-fixed\n",
               argv[0]);
  return 2;
}
