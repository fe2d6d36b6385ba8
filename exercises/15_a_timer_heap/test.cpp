// Exercise 15's parts, as README.md numbers them. exercise.hpp comes from the include path.
// The loop runs on a thread of its own; every wait of a test is bounded, and stop() wakes the
// loop even when run_once waits on epoll with no timeout.

#include <exercise.hpp>  // angle brackets: from the include path, never from beside this file

#include "tutorials/16_a_loop_from_scratch/sleep_client.hpp"
#include "tutorials/16_a_loop_from_scratch/sleep_server.hpp"

#include <pthread.h>
#include <time.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

using namespace std::chrono_literals;

namespace {

std::string early_by(std::chrono::steady_clock::duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(d).count()) + " us";
}

// Why a timer ran before its deadline, as far as how early it was tells.
std::string why_early(std::chrono::steady_clock::duration early) {
  return early <= 5ms ? ", just before: is the timeout rounded down (duration_cast), or a timer "
                        "run when due \"within a millisecond\"? Round the timeout up "
                        "(std::chrono::ceil) and run only those with when <= now"
                      : ": something else woke the loop (here a callback), and run_once ran the "
                        "nearest timer without checking that it was due";
}

long long ms(std::chrono::steady_clock::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

// The student's loop, running on a thread of its own for the length of a test.
// An exception out of run_once ends the thread and fails the test with what it said; a loop that
// never runs its queued callbacks cannot be stopped, and is let go of instead of joined.
struct Running {
  Running()
      : thread([this] {
          try {
            loop.run();
          } catch (const std::exception& e) {
            // Said at once (gtest's assertions are thread-safe), so that it is the part's first
            // failure, before the waits the dead loop then fails.
            std::string what = e.what();
            ADD_FAILURE() << "run_once threw, which ended the loop: " << what
                          << (what.find("bad_function_call") != std::string::npos
                                  ? ": an empty std::function was called. Was a removed "
                                    "timeout's entry looked up with callbacks_[id], which makes "
                                    "an empty one? Skip it when callbacks_.find(id) finds nothing"
                                  : "");
          }
          std::lock_guard lock(mutex);
          ended = true;
          changed.notify_all();
        }) {}
  ~Running() { stop(); }
  void stop() {
    if (!thread.joinable()) return;
    loop.stop();
    std::unique_lock lock(mutex);
    bool stopped = changed.wait_for(lock, 5s, [this] { return ended; });
    lock.unlock();
    if (!stopped) {
      ADD_FAILURE() << "the loop never stopped: stop() queues a callback (add_callback), and "
                       "run_once never ran it. Each turn ends with run_ready_callbacks()";
      thread.detach();
      leaked.release();  // the loop's thread still uses it
      return;
    }
    thread.join();
  }
  // The loop thread's CPU time so far.
  std::chrono::nanoseconds cpu() {
    clockid_t id;
    timespec ts{};
    if (pthread_getcpuclockid(thread.native_handle(), &id) != 0 || clock_gettime(id, &ts) != 0)
      return {};
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
  }
  std::unique_ptr<exercise::Loop> leaked = std::make_unique<exercise::Loop>();
  exercise::Loop& loop = *leaked;
  std::mutex mutex;
  std::condition_variable changed;
  bool ended = false;
  std::thread thread;
};

// What the loop's callbacks record, and a bounded wait for it.
struct Record {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<int> fired;  // each timer's number, as it fired
  std::chrono::steady_clock::time_point fired_at;
  void add(int n) {
    std::lock_guard lock(mutex);
    fired.push_back(n);
    fired_at = std::chrono::steady_clock::now();
    changed.notify_all();
  }
  bool wait_for(std::size_t count, std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, limit, [&] { return fired.size() >= count; });
  }
};

}  // namespace

TEST(Exercise15, Part1_ATimerFiresOnALoopWithNothingElseToDo) {
  Record record;
  {
    Running running;
    std::atomic<bool> queued_ran{false};
    running.loop.add_callback([&] {
      queued_ran = true;
      running.loop.call_later(20ms, [&] { record.add(1); });
    });
    bool fired = record.wait_for(1, 2s);
    REQUIRE_BECAUSE(fired || queued_ran,
                    "a callback queued with add_callback had not run 2 s later: run_once must "
                    "end each turn with run_ready_callbacks()");
    EXPECT_BECAUSE(fired,
                   "a 20 ms timer had not fired 2 s later, on a loop with nothing else to do: "
                   "run_once must not wait for the sockets past the nearest deadline (epoll_wait "
                   "with a timeout of -1 waits until a socket or add_callback wakes it)");
  }
}

TEST(Exercise15, Part2_TimersFireInTheOrderOfTheirDeadlines) {
  Record record;
  {
    Running running;
    running.loop.add_callback([&] {
      for (int delay : {30, 10, 20})
        running.loop.call_later(std::chrono::milliseconds(delay),
                                [&, delay] { record.add(delay); });
    });
    REQUIRE_BECAUSE(record.wait_for(3, 2s), "of timers of 30, 10 and 20 ms, "
                                                << record.fired.size() << " fired within 2 s");
  }
  std::string order;
  for (int delay : record.fired) order += (order.empty() ? "" : ", ") + std::to_string(delay);
  bool latest_first = record.fired == std::vector<int>{30, 20, 10};
  EXPECT_BECAUSE(
      record.fired == (std::vector<int>{10, 20, 30}),
      "timers of 30, 10 and 20 ms fired in the order "
          << order
          << (latest_first ? " ms: the latest deadline first, the heap the wrong way round. "
                             "std::priority_queue puts the greatest on top (std::less): give "
                             "it std::greater<> (and Timer an operator>) so that top() is the "
                             "earliest"
                           : " ms: in the order they were added, not by deadline. Keep them in "
                             "a heap (std::priority_queue with std::greater<>) and pop the "
                             "earliest first"));
}

TEST(Exercise15, Part2b_EveryDueTimerRunsInOneTurn) {
  // Two timers due at the same turn (the loop is held 30 ms past both deadlines); the first
  // queues a callback. A turn runs every timer that is due, then the queued callbacks: 1, 2, 3.
  Record record;
  {
    Running running;
    running.loop.add_callback([&] {
      auto& loop = running.loop;
      loop.call_later(10ms, [&] {
        record.add(1);
        loop.add_callback([&] { record.add(3); });
      });
      loop.call_later(10ms, [&] { record.add(2); });
      std::this_thread::sleep_for(30ms);  // both are due by the next turn
    });
    REQUIRE_BECAUSE(record.wait_for(3, 2s), "of two 10 ms timers and a callback, "
                                                << record.fired.size() << " had run within 2 s");
  }
  EXPECT_BECAUSE(record.fired == (std::vector<int>{1, 2, 3}),
                 "a callback queued by the first of two due timers ran before the second timer: "
                 "run_once ran one due timer per turn. Run every timer that is due (while "
                 "top().when <= now), then the queued callbacks");
}

TEST(Exercise15, Part3_NoTimerFiresBeforeItsDeadline) {
  Record record;
  std::chrono::steady_clock::time_point set_at;
  {
    Running running;
    std::chrono::nanoseconds cpu_at_set{};
    running.loop.add_callback([&] {
      cpu_at_set = running.cpu();
      set_at = std::chrono::steady_clock::now();
      running.loop.call_later(300ms, [&] { record.add(1); });
      running.loop.add_callback([] {});  // wakes the loop long before the timer is due
    });
    REQUIRE_BECAUSE(record.wait_for(1, 2s), "a 300 ms timer had not fired 2 s later");
    auto busy = running.cpu() - cpu_at_set;
    EXPECT_BECAUSE(busy < 30ms,  // a loop asleep in epoll_wait uses next to none
                   "the loop's thread used "
                       << ms(busy)
                       << " ms of CPU while it waited 300 ms for a timer: run_once never blocks. "
                          "Give wait_for_sockets the time to the nearest deadline (rounded up), "
                          "not 0, so that epoll_wait sleeps until then");
  }
  auto after = record.fired_at - set_at;
  EXPECT_BECAUSE(after >= 300ms, "a 300 ms timer fired " << early_by(300ms - after)
                                                         << " before its deadline"
                                                         << why_early(300ms - after));
  // The same while another thread wakes the loop every 50 us, so that some turn falls in the
  // last millisecond before each deadline: a timer run "when due within a millisecond" runs
  // early on it even when epoll_wait oversleeps, as it does on a busy machine.
  std::chrono::steady_clock::duration early{};
  Record each;                                     // outlives the loop's thread, as does:
  std::chrono::steady_clock::time_point deadline;  // written on the loop's thread
  {
    Running running;
    std::atomic<bool> done{false};
    std::thread waker([&] {
      while (!done) {
        running.loop.add_callback([] {});
        std::this_thread::sleep_for(50us);
      }
    });
    for (std::size_t i = 0; i < 20 && early <= 0ms; ++i) {
      running.loop.add_callback([&] {
        deadline = std::chrono::steady_clock::now() + 20ms;
        running.loop.call_later(20ms, [&each] { each.add(20); });
      });
      if (!each.wait_for(i + 1, 2s)) break;  // each.add's lock orders deadline before the read
      std::lock_guard lock(each.mutex);
      early = deadline - each.fired_at;
    }
    done = true;
    waker.join();
  }
  EXPECT_BECAUSE(early <= 0ms, "a 20 ms timer fired "
                                   << early_by(early)
                                   << " before its deadline while another thread woke the loop "
                                      "every 50 us"
                                   << why_early(early));
}

TEST(Exercise15, Part4_ARemovedTimeoutNeverRuns) {
  Record record;
  {
    Running running;
    running.loop.add_callback([&] {
      auto& loop = running.loop;
      loop.call_later(20ms, [&] { record.add(20); });
      auto removed = loop.call_later(40ms, [&] { record.add(40); });
      loop.call_later(60ms, [&] { record.add(60); });
      loop.remove_timeout(removed);
    });
    REQUIRE_BECAUSE(record.wait_for(2, 2s), "timers of 20 and 60 ms had not both fired 2 s later");
    std::this_thread::yield();
  }
  EXPECT_BECAUSE(std::find(record.fired.begin(), record.fired.end(), 40) == record.fired.end(),
                 "a removed timeout ran anyway: remove_timeout must keep its callback from "
                 "running (drop it, or mark it, and skip it when its turn comes)");
}

TEST(Exercise15, Part5_AHundredWaitsAreServedAtOnce) {
  // Lesson 16's server on your loop, holding every answer until all 100 waits are in flight
  // (the barrier). The first client waits 3000 ms; the 99 after it 100 ms each. On a loop that
  // serves waits at once, the 99 are answered while the first still waits.
  Running running;
  parity::toy::SleepServer<exercise::Loop> server(running.loop, 100);
  parity::toy::Clients clients(server.port());
  auto first = clients.send(parity::toy::get("/sleep?ms=3000"));
  clients.wait(2s, [&] { return server.waits().now() >= 1; });
  REQUIRE_BECAUSE(server.waits().now() >= 1, "the first request had not begun its wait 2 s later");
  for (int i = 0; i < 99; ++i) clients.send(parity::toy::get("/sleep?ms=100"));
  auto short_ones_answered = [&] {
    int ok = 0;
    for (std::size_t i = 1; i < clients.size(); ++i) ok += clients.answer(i).status == 200;
    return ok;
  };
  clients.wait(6s, [&] { return short_ones_answered() == 99 || clients.answer(first).status; });
  int peak = server.waits().peak();
  int answered = short_ones_answered();
  bool first_answered = clients.answer(first).status != 0;
  running.stop();  // before `server` goes: its handlers must not run once it has
  EXPECT_BECAUSE(!first_answered,
                 "the 99 waits of 100 ms were answered only after the 3000 ms wait that came "
                 "first: the loop served the waits one after another. While it waits for a timer "
                 "it must still watch the sockets: epoll_wait with the time to the nearest "
                 "deadline as its timeout, then the timers that are due ("
                     << answered << " of the 99 answered by then)");
  EXPECT_BECAUSE(first_answered || answered == 99,
                 "only " << answered << " of the 99 waits of 100 ms were answered within 6 s, "
                         << "and at most " << peak << " of the 100 waits were in flight at once");
}
