// Exercise 17's parts, as README.md numbers them. exercise.hpp comes from the include path.

#include <exercise.hpp>  // angle brackets: from the include path, never from beside this file

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

using namespace std::chrono_literals;
using exercise::then;
using exercise::when_all;
using parity::senders::just;
using parity::senders::just_error;
using parity::senders::schedule;
using parity::senders::Values;

namespace {

// What a receiver was told, shared with the test, which may wait for it (5 s at most: a test
// never hangs).
template <class... Ts>
struct Told {
  std::mutex mutex;
  std::condition_variable changed;
  int calls = 0;  // every completion, so that a second one shows
  std::optional<std::tuple<Ts...>> values;
  std::string error;  // what the exception said
  bool stopped = false;

  bool wait(std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, timeout, [this] { return calls > 0; });
  }
  int count() {
    std::lock_guard lock(mutex);
    return calls;
  }
  void completed() {
    ++calls;
    changed.notify_all();
  }
};

template <class... Ts>
struct Receiver {
  std::shared_ptr<Told<Ts...>> told;
  template <class... Us>
  void set_value(Us&&... values) noexcept {
    std::lock_guard lock(told->mutex);
    told->values.emplace(std::forward<Us>(values)...);
    told->completed();
  }
  void set_error(std::exception_ptr error) noexcept {
    std::lock_guard lock(told->mutex);
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      told->error = e.what();
    } catch (...) {
      told->error = "(not a std::exception)";
    }
    told->completed();
  }
  void set_error(boost::system::error_code ec) noexcept {
    set_error(std::make_exception_ptr(boost::system::system_error(ec)));
  }
  void set_stopped() noexcept {
    std::lock_guard lock(told->mutex);
    told->stopped = true;
    told->completed();
  }
};

// An operation state on the heap. If it never completed, it is let go of, never destroyed: a
// late completion then still finds it (a failed test leaks it, and goes on).
template <class Sender, class R>
struct Running {
  Running(Sender sender, R receiver) : operation(std::move(sender).connect(std::move(receiver))) {}
  parity::senders::operation_t<Sender, R> operation;
};
template <class Sender, class R>
auto connect_on_heap(Sender sender, R receiver) {
  return std::make_unique<Running<Sender, R>>(std::move(sender), std::move(receiver));
}

// A sender that completes when the test says so: open(v) sends v, fail(what) sends an error.
class Gate {
  struct State {
    std::function<void(int)> open;
    std::function<void(std::exception_ptr)> fail;
  };

 public:
  struct Sender {
    using values = Values<int>;
    std::shared_ptr<State> state;
    template <class R>
    struct Operation {
      std::shared_ptr<State> state;
      R receiver;
      void start() noexcept {
        state->open = [this](int value) { receiver.set_value(value); };
        state->fail = [this](std::exception_ptr error) { receiver.set_error(error); };
      }
    };
    template <class R>
    Operation<R> connect(R receiver) && {
      return {state, std::move(receiver)};
    }
  };
  Sender sender() const { return {state_}; }
  bool started() const { return static_cast<bool>(state_->open); }
  void open(int value) { state_->open(value); }
  void fail(const std::string& what) {
    state_->fail(std::make_exception_ptr(std::runtime_error(what)));
  }

 private:
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

// The project's Loop on `threads` threads in the background, for the length of a test.
class LoopThreads {
 public:
  explicit LoopThreads(unsigned threads) : runner_([this, threads] { loop_.run(threads); }) {}
  ~LoopThreads() {
    loop_.stop();
    runner_.join();
  }
  auto executor() { return loop_.get_executor(); }

 private:
  parity::Loop loop_;
  std::jthread runner_;
};

// Each side holds its loop thread until the other has arrived too, 3 s at most (ample on a busy
// machine; it bounds only a failure): both arrive only if they run at the same time.
struct Meeting {
  std::mutex mutex;
  std::condition_variable arrived;
  int count = 0;
  bool meet() {
    std::unique_lock lock(mutex);
    ++count;
    arrived.notify_all();
    return arrived.wait_for(lock, 3s, [this] { return count >= 2; });
  }
};

// A value that counts its copies: then must move what it is given, never copy it.
struct Counted {
  int value;
  std::shared_ptr<int> copies;
  Counted()
      : value(0), copies(std::make_shared<int>(0)) {}  // a default, for a solution that wants one
  Counted(int v, std::shared_ptr<int> c) : value(v), copies(std::move(c)) {}
  Counted(Counted&&) noexcept = default;
  Counted& operator=(Counted&&) noexcept = default;
  Counted(const Counted& other) : value(other.value), copies(other.copies) { ++*copies; }
  Counted& operator=(const Counted& other) {
    value = other.value;
    copies = other.copies;
    ++*copies;
    return *this;
  }
};

// A receiver that counts completions: all of them, and the second ones of one operation.
struct Count {
  std::atomic<int>* done;
  std::atomic<int>* twice;
  std::shared_ptr<std::atomic<int>> mine;
  void set_value(int, int) noexcept { finish(); }
  template <class E>
  void set_error(E&&) noexcept {
    finish();
  }
  void set_stopped() noexcept { finish(); }
  void finish() noexcept {
    if (mine->fetch_add(1) > 0) ++*twice;
    ++*done;
  }
};

// A sender that is stopped (cancelled) when started, as if it had been asked to stop.
struct JustStopped {
  using values = Values<int>;
  template <class R>
  struct Operation {
    R receiver;
    void start() noexcept { receiver.set_stopped(); }
  };
  template <class R>
  Operation<R> connect(R receiver) && {
    return {std::move(receiver)};
  }
};

}  // namespace

TEST(Exercise17, Part1_ThenCallsTheFunctionWhenTheValueComesNeverBefore) {
  int calls = 0;
  auto told = std::make_shared<Told<int>>();
  auto work = then(just(20), [&calls](int x) {
    ++calls;
    return x + 1;
  });
  REQUIRE_BECAUSE(calls == 0,
                  "then ran the function when the sender was made, before anyone started it: a "
                  "sender only describes work, so call f in the receiver's set_value");
  auto running = connect_on_heap(std::move(work), Receiver<int>{told});
  REQUIRE_BECAUSE(calls == 0, "then ran the function at connect(), before start()");
  running->operation.start();
  REQUIRE_BECAUSE(told->count() > 0,
                  "then's receiver never passed a value on: set_value must call f with the "
                  "values and send what it returns to next.set_value");
  EXPECT_BECAUSE(calls == 1, "then called the function " << calls << " times, not once");
  EXPECT_BECAUSE(told->count() == 1,
                 "the next receiver was told " << told->count() << " times, not once");
  REQUIRE_BECAUSE(told->values.has_value(),
                  "then sent an error or a stop instead of f's value (" << told->error << ")");
  EXPECT_BECAUSE(std::get<0>(*told->values) == 21,
                 "just(20) then x + 1 sent " << std::get<0>(*told->values) << ", not 21");

  // A value then is given is moved on, never copied (a move-only one would not compile).
  auto copies = std::make_shared<int>(0);
  auto told_counted = std::make_shared<Told<Counted>>();
  auto moving = connect_on_heap(then(just(Counted(20, copies)), [](Counted c) { return c; }),
                                Receiver<Counted>{told_counted});
  *copies = 0;  // what just() and connect did is theirs, not then's
  moving->operation.start();
  EXPECT_BECAUSE(*copies == 0,
                 "then copied the value "
                     << *copies
                     << " times on its way: a std::unique_ptr would not even compile. Forward the "
                        "values to f (std::forward<Ts>(values)...) and move f's result on "
                        "(next.set_value(std::move(*result)))");
}

TEST(Exercise17, Part2_ThenPassesAnErrorOnWithoutCallingTheFunction) {
  int calls = 0;
  auto told = std::make_shared<Told<int>>();
  auto failing = just_error(std::make_exception_ptr(std::runtime_error("the upstream said no")));
  auto running = connect_on_heap(then(std::move(failing),
                                      [&calls] {
                                        ++calls;
                                        return 1;
                                      }),
                                 Receiver<int>{told});
  running->operation.start();
  EXPECT_BECAUSE(calls == 0, "then called its function although an error came, not a value");
  REQUIRE_BECAUSE(told->count() > 0,
                  "an error sent into then never came out of it: then's set_error must pass the "
                  "error on to the next receiver");
  EXPECT_BECAUSE(!told->values,
                 "the error came out of then as a value: set_error must pass the error on, "
                 "untouched");
  EXPECT_BECAUSE(
      told->error == "the upstream said no",
      "the next receiver did not get the error that came in (it got \"" << told->error << "\")");
}

TEST(Exercise17, Part3_AnExceptionFromTheFunctionBecomesTheError) {
  auto told = std::make_shared<Told<int>>();
  auto work = then(just(1), [](int) -> int { throw std::runtime_error("no such host"); });
  auto running = connect_on_heap(std::move(work), Receiver<int>{told});
  running->operation.start();
  REQUIRE_BECAUSE(told->count() > 0,
                  "when f threw, then told the next receiver nothing: catch the exception and "
                  "send std::current_exception() to next.set_error");
  EXPECT_BECAUSE(!told->values,
                 "f threw, and then sent a value anyway: an exception from f must become "
                 "set_error, never a made-up value");
  EXPECT_BECAUSE(
      told->error == "no such host",
      "the next receiver did not get the exception f threw (it got \"" << told->error << "\")");
  EXPECT_BECAUSE(told->count() == 1,
                 "the next receiver was told " << told->count() << " times, not once");
}

TEST(Exercise17, Part4_WhenAllSendsBothValuesOnlyOnceBothCame) {
  Gate gate;
  auto told = std::make_shared<Told<int, int>>();
  auto running = connect_on_heap(when_all(just(1), gate.sender()), Receiver<int, int>{told});
  running->operation.start();
  REQUIRE_BECAUSE(gate.started(),
                  "when_all never started its second sender: start() must start both children");
  REQUIRE_BECAUSE(told->count() == 0,
                  "when_all completed when only one of its senders had finished: it must wait "
                  "for both, and send both values");
  gate.open(2);
  REQUIRE_BECAUSE(told->count() > 0,
                  "when_all never completed once both senders had sent their values: the second "
                  "child to finish sends both on, with receiver_.set_value(a, b)");
  EXPECT_BECAUSE(told->count() == 1, "when_all completed " << told->count() << " times, not once");
  REQUIRE_BECAUSE(told->values.has_value(),
                  "when_all sent an error or a stop, not the values (" << told->error << ")");
  EXPECT_BECAUSE(*told->values == std::make_tuple(1, 2),
                 "when_all(just(1), 2) sent (" << std::get<0>(*told->values) << ", "
                                               << std::get<1>(*told->values)
                                               << "), not (1, 2): does a child call "
                                                  "one_finished() before it keeps its value? The "
                                                  "second to finish must find both kept");
}

TEST(Exercise17, Part5_WhenAllRunsBothAtOnceOnATwoThreadLoop) {
  Meeting meeting;  // before the loop: the loop's threads may still be in it as the loop stops
  LoopThreads loop(2);
  auto side = [&] {
    return then(schedule(loop.executor()), [&meeting] { return meeting.meet(); });
  };
  auto told = std::make_shared<Told<bool, bool>>();
  auto running = connect_on_heap(when_all(side(), side()), Receiver<bool, bool>{told});
  running->operation.start();
  if (!told->wait(8s)) {
    (void)running.release();  // still running, perhaps: let it go rather than destroy it
    FAIL() << "when_all of two senders on the loop never completed: start() must start both "
              "children, and the second to finish completes when_all";
  }
  REQUIRE_BECAUSE(told->values.has_value(),
                  "when_all sent an error or a stop, not the values (" << told->error << ")");
  auto [a_met, b_met] = *told->values;
  EXPECT_BECAUSE(a_met && b_met,
                 "the two senders never ran at the same time: when_all started the second only "
                 "once the first had finished; start both in start()");
  EXPECT_BECAUSE(told->count() == 1, "when_all completed " << told->count() << " times, not once");
}

TEST(Exercise17, Part6_WhenAllPassesAnErrorOnOnceBothFinished) {
  Gate gate;
  auto told = std::make_shared<Told<int, int>>();
  auto running = connect_on_heap(when_all(gate.sender(), just(1)), Receiver<int, int>{told});
  running->operation.start();
  REQUIRE_BECAUSE(gate.started(),
                  "when_all never started its first sender: start() must start both children");
  gate.fail("the upstream said no");
  REQUIRE_BECAUSE(told->count() > 0,
                  "an error from one of when_all's senders never came out of it: keep the error "
                  "and send it with receiver_.set_error once both have finished");
  EXPECT_BECAUSE(!told->values, "one sender failed, and when_all sent values anyway");
  EXPECT_BECAUSE(
      told->error == "the upstream said no",
      "when_all did not pass on the error that came in (it got \"" << told->error << "\")");
  EXPECT_BECAUSE(told->count() == 1, "when_all completed " << told->count() << " times, not once");
}

TEST(Exercise17, Part6b_WhenAllWaitsForTheOtherSenderAfterAnError) {
  Gate first, second;
  auto told = std::make_shared<Told<int, int>>();
  auto running =
      connect_on_heap(when_all(first.sender(), second.sender()), Receiver<int, int>{told});
  running->operation.start();
  REQUIRE_BECAUSE(first.started() && second.started(),
                  "when_all did not start both of its senders: start() must start both children");
  first.fail("the upstream said no");
  REQUIRE_BECAUSE(told->count() == 0,
                  "when_all sent the error while its other sender was still running: keep the "
                  "error, and send it only once both have finished (the second to finish "
                  "completes when_all); the operation may be destroyed as soon as it completes, "
                  "under the sender still running");
  second.open(2);
  REQUIRE_BECAUSE(told->count() > 0,
                  "one sender failed, the other then sent its value, and when_all never "
                  "completed: the second to finish sends the error on");
  EXPECT_BECAUSE(!told->values, "one sender failed, and when_all sent values anyway");
  EXPECT_BECAUSE(
      told->error == "the upstream said no",
      "when_all did not pass on the error that came in (it got \"" << told->error << "\")");
  EXPECT_BECAUSE(told->count() == 1, "when_all completed " << told->count() << " times, not once");
}

TEST(Exercise17, Part7_AStopPassesThroughThenAndWhenAll) {
  int calls = 0;
  auto told = std::make_shared<Told<int>>();
  auto through_then = connect_on_heap(then(JustStopped{},
                                           [&calls](int x) {
                                             ++calls;
                                             return x;
                                           }),
                                      Receiver<int>{told});
  through_then->operation.start();
  EXPECT_BECAUSE(calls == 0, "then called its function although a stop came, not a value");
  REQUIRE_BECAUSE(told->count() > 0,
                  "a stop sent into then never came out of it: then's set_stopped must call "
                  "next.set_stopped()");
  EXPECT_BECAUSE(told->stopped, "a stop came into then, and something else came out of it");

  auto told_both = std::make_shared<Told<int, int>>();
  auto through_when_all =
      connect_on_heap(when_all(JustStopped{}, just(1)), Receiver<int, int>{told_both});
  through_when_all->operation.start();
  REQUIRE_BECAUSE(told_both->count() > 0,
                  "one of when_all's senders was stopped, and when_all never completed: a "
                  "stopped child has finished too (set stopped_, then one_finished()), and "
                  "when_all then sends set_stopped()");
  EXPECT_BECAUSE(told_both->stopped && !told_both->values,
                 "one of when_all's senders was stopped, and when_all sent "
                     << (told_both->values ? "values" : "an error") << " instead of a stop");
  EXPECT_BECAUSE(told_both->count() == 1,
                 "when_all completed " << told_both->count() << " times, not once");
}

TEST(Exercise17, Part8_WhenAllCompletesOnceEachTimeOnATwoThreadLoop) {
  // Many when_alls of two senders scheduled on two threads: each must complete exactly once.
  constexpr int rounds = 200000;
  std::atomic<int> done{0};
  std::atomic<int> twice{0};
  LoopThreads loop(2);  // after the counts: its threads are joined before they go
  auto one = [] { return 1; };
  using Op = decltype(connect_on_heap(
      when_all(then(schedule(loop.executor()), one), then(schedule(loop.executor()), one)),
      Count{}));
  std::vector<Op> ops;
  ops.reserve(rounds);
  for (int i = 0; i < rounds; ++i) {
    ops.push_back(connect_on_heap(
        when_all(then(schedule(loop.executor()), one), then(schedule(loop.executor()), one)),
        Count{&done, &twice, std::make_shared<std::atomic<int>>(0)}));
    ops.back()->operation.start();
  }
  auto until = std::chrono::steady_clock::now() + 10s;
  while (done < rounds && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(1ms);
  std::this_thread::sleep_for(50ms);
  int completed = done;
  if (completed < rounds)
    for (auto& op : ops) (void)op.release();  // some may still run: let them go
  REQUIRE_BECAUSE(completed > 0,
                  "when_all of two senders on the loop never completed: start() must start both "
                  "children, and the second to finish completes when_all");
  EXPECT_BECAUSE(completed == rounds && twice == 0,
                 "of " << rounds << " when_alls of two senders on a two-thread loop, "
                       << rounds - std::min(completed, rounds) << " never completed and "
                       << twice.load()
                       << " completed twice: the two children finished at the same time and "
                          "both, or neither, took themselves for the second. Count them down "
                          "with one indivisible step (remaining_.fetch_sub(1) == 1)");
}
