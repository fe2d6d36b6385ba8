// Exercise 09's parts, as README.md numbers them. exercise.hpp comes from the include path.

#include <exercise.hpp>  // angle brackets: from the include path, never from beside this file

#include <atomic>
#include <thread>

using exercise::IntFuture;
using namespace std::chrono_literals;

namespace {

// Runs the loop on this thread until `done` holds, 5 s at most (a test never hangs).
template <class Done>
bool run_until(parity::Loop& loop, Done done) {
  loop.context().restart();
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!done() && std::chrono::steady_clock::now() < deadline) loop.context().run_one_for(10ms);
  return done();
}

// Runs `work` on a thread of its own and joins it; what it threw, as text (empty if nothing), so
// that a member not written yet fails the test instead of ending the program.
template <class Work>
std::string on_a_thread(Work work) {
  std::string thrown;
  std::thread([&] {
    try {
      work();
    } catch (const std::exception& e) {
      thrown = e.what();
    }
  }).join();
  return thrown;
}

}  // namespace

TEST(Exercise09, Part1_SetResultThenResult) {
  parity::Loop loop;
  IntFuture future(loop.get_executor());
  EXPECT_BECAUSE(!future.done(), "a new future says it is done already");
  future.set_result(42);
  EXPECT_BECAUSE(future.done(), "after set_result(42), done() is still false");
  EXPECT_BECAUSE(future.result() == 42, "after set_result(42), result() is " << future.result());
  // result() must let go of the State's mutex: done() and add_done_callback after it, asked from
  // another thread, are answered. A mutex never unlocked would hold that thread forever, so it is
  // a thread of its own, detached, waited for 2 s at most.
  auto answered = std::make_shared<std::promise<void>>();
  auto after = answered->get_future();
  std::thread([future, answered]() mutable {
    try {
      (void)future.done();
      future.add_done_callback([](IntFuture) {});
    } catch (...) {
    }
    answered->set_value();
  }).detach();
  EXPECT_BECAUSE(after.wait_for(2s) == std::future_status::ready,
                 "after result(), done() and add_done_callback on the same future, from another "
                 "thread, had no answer within 2 s: they wait for the State's mutex, which "
                 "result() never let go of (a lock that outlives the call, a static one?)");
}

TEST(Exercise09, Part2_ACallbackRunsOnTheLoopWhenTheResultComesFromAnotherThread) {
  parity::Loop loop;
  IntFuture future(loop.get_executor());
  std::atomic<bool> ran{false};
  std::thread::id ran_on;
  future.add_done_callback([&](IntFuture f) {
    ran_on = std::this_thread::get_id();
    EXPECT_BECAUSE(f.result() == 7, "the callback's future holds " << f.result() << ", not 7");
    ran = true;
  });
  auto thrown = on_a_thread([future]() mutable { future.set_result(7); });
  REQUIRE_BECAUSE(thrown.empty(), "set_result threw: " << thrown);
  EXPECT_BECAUSE(!ran,
                 "the callback ran inside set_result, on the thread that set it: post it "
                 "to the loop instead");
  REQUIRE_BECAUSE(run_until(loop, [&] { return ran.load(); }),
                  "the callback never ran: set_result must post the callbacks to the loop");
  EXPECT_BECAUSE(ran_on == std::this_thread::get_id(),
                 "the callback ran on another thread, not on the loop's");
}

TEST(Exercise09, Part3_ACallbackAddedAfterTheResultStillRunsOnTheLoopNotInline) {
  parity::Loop loop;
  IntFuture future(loop.get_executor());
  future.set_result(1);
  bool ran = false;
  future.add_done_callback([&](IntFuture) { ran = true; });
  EXPECT_BECAUSE(!ran,
                 "a callback added after the result ran inside add_done_callback: post "
                 "it to the loop, so it always runs the same way");
  EXPECT_BECAUSE(run_until(loop, [&] { return ran; }),
                 "a callback added after the result never ran");
}

TEST(Exercise09, Part4_AnExceptionIsRethrownByResult) {
  parity::Loop loop;
  IntFuture future(loop.get_executor());
  future.set_exception(std::make_exception_ptr(std::domain_error("division by zero")));
  bool rethrown = false;
  try {
    future.result();
  } catch (const std::domain_error&) {
    rethrown = true;
  } catch (...) {
  }
  EXPECT_BECAUSE(rethrown, "result() after set_exception did not rethrow the std::domain_error");
}

TEST(Exercise09, Part5_CallbacksAddedFromManyThreadsWhileTheResultComesAllRunOnce) {
  parity::Loop loop;
  IntFuture future(loop.get_executor());
  std::atomic<int> calls{0};
  // Each thread adds 25 callbacks before the result and 25 after it, every run. The two flags
  // that say so are relaxed: they order nothing, so that only the future's own mutex orders an
  // add after set_result (a `done` read outside it is a data race, which ThreadSanitizer sees).
  std::atomic<int> halfway{0};
  std::atomic<bool> is_set{false};
  auto wait_for = [](auto holds) {  // 2 s at most: a starter that throws never gets there
    auto deadline = std::chrono::steady_clock::now() + 2s;
    while (!holds() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  };
  std::vector<std::future<std::string>> adders;
  for (int i = 0; i < 8; ++i)
    adders.push_back(std::async(std::launch::async, [&] {
      return on_a_thread([&] {
        for (int j = 0; j < 50; ++j) {
          if (j == 25) {
            halfway.fetch_add(1, std::memory_order_relaxed);
            wait_for([&] { return is_set.load(std::memory_order_relaxed); });
          }
          future.add_done_callback([&](IntFuture) { ++calls; });
        }
      });
    }));
  auto set_thrown = on_a_thread([&, future]() mutable {
    wait_for([&] { return halfway.load(std::memory_order_relaxed) == 8; });
    future.set_result(3);
    is_set.store(true, std::memory_order_relaxed);
  });
  for (auto& adder : adders) {
    auto thrown = adder.get();
    REQUIRE_BECAUSE(thrown.empty(), "add_done_callback threw: " << thrown);
  }
  REQUIRE_BECAUSE(set_thrown.empty(), "set_result threw: " << set_thrown);
  run_until(loop, [&] { return calls == 400; });
  EXPECT_BECAUSE(calls == 400, calls << " of 400 callbacks ran: every callback runs exactly "
                                        "once, whether added before or after the result");
}

TEST(Exercise09, Part6_ACallbackAddedBeforeAnExceptionRunsToo) {
  parity::Loop loop;
  IntFuture future(loop.get_executor());
  bool ran = false;
  future.add_done_callback([&](IntFuture) { ran = true; });
  auto thrown = on_a_thread([future]() mutable {
    future.set_exception(std::make_exception_ptr(std::domain_error("division by zero")));
  });
  REQUIRE_BECAUSE(thrown.empty(), "set_exception threw: " << thrown);
  EXPECT_BECAUSE(run_until(loop, [&] { return ran; }),
                 "a callback added before set_exception never ran: set_exception must post the "
                 "callbacks added so far, as set_result does");
}

TEST(Exercise09, Part7_ResultBeforeItIsDoneThrowsLogicError) {
  parity::Loop loop;
  IntFuture future(loop.get_executor());
  std::string what;
  bool threw_logic_error = false;
  try {
    future.result();
  } catch (const std::logic_error& e) {
    threw_logic_error = true;
    what = e.what();
  } catch (...) {
  }
  REQUIRE_BECAUSE(what.find("not written yet") == std::string::npos,
                  "result() is not written yet: " << what);
  EXPECT_BECAUSE(threw_logic_error,
                 "result() on a future that is not done did not throw std::logic_error: check "
                 "done first (reading an empty std::optional is undefined behaviour)");
}

TEST(Exercise09, Part8_OnTheLoopCallbacksStillRunLaterNeverInline) {
  // asio::dispatch runs a function at once when called on the loop's own thread; post never
  // does. Parts 2 and 3 call from another thread, where the two look alike: here, from the loop.
  parity::Loop loop;
  IntFuture done_already(loop.get_executor());
  IntFuture pending(loop.get_executor());
  std::string thrown = on_a_thread([done_already]() mutable { done_already.set_result(1); });
  REQUIRE_BECAUSE(thrown.empty(), "set_result threw: " << thrown);
  bool late_ran = false, late_inline = false, pending_ran = false, pending_inline = false;
  boost::asio::post(loop.get_executor(), [&] {
    try {
      done_already.add_done_callback([&](IntFuture) { late_ran = true; });
      late_inline = late_ran;
      pending.add_done_callback([&](IntFuture) { pending_ran = true; });
      pending.set_result(2);
      pending_inline = pending_ran;
    } catch (const std::exception& e) {
      thrown = e.what();
    }
  });
  run_until(loop, [&] { return (late_ran && pending_ran) || !thrown.empty(); });
  REQUIRE_BECAUSE(thrown.empty(), "on the loop, a member threw: " << thrown);
  EXPECT_BECAUSE(!late_inline && !pending_inline,
                 "on the loop's own thread, "
                     << (late_inline ? "add_done_callback" : "set_result")
                     << " ran the callback at once: asio::dispatch runs a function inline when "
                        "it is called on the loop; asio::post never does");
  EXPECT_BECAUSE(late_ran && pending_ran, "a callback added on the loop never ran");
}

TEST(Exercise09, Part9_ACallbackAddedWhileTheResultIsSetIsNeverLost) {
  // The interleaving that loses a callback, made to happen every time: the thread adding a
  // callback is held right after its first unlock of the State's mutex while another thread
  // sets the result, and goes on only then.
  parity::Loop loop;
  IntFuture future(loop.get_executor());
  std::promise<void> unlocked, set;
  auto set_done = set.get_future().share();
  std::atomic<bool> ran{false};
  std::string add_thrown;
  bool never_unlocked = false;
  std::thread adder([&, future]() mutable {
    parity::exercises::CheckedMutex::after_next_unlock([&] {
      unlocked.set_value();
      set_done.wait_for(2s);
    });
    try {
      future.add_done_callback([&](IntFuture) { ran = true; });
    } catch (const std::exception& e) {
      add_thrown = e.what();
    }
    // An add_done_callback that never unlocked the State's mutex: nothing was held.
    never_unlocked = parity::exercises::CheckedMutex::pending_after_unlock();
    if (never_unlocked) {
      parity::exercises::CheckedMutex::after_next_unlock(nullptr);
      unlocked.set_value();
    }
  });
  unlocked.get_future().wait_for(2s);
  auto thrown = on_a_thread([future]() mutable { future.set_result(9); });
  set.set_value();
  adder.join();
  REQUIRE_BECAUSE(add_thrown.empty(), "add_done_callback threw: " << add_thrown);
  REQUIRE_BECAUSE(thrown.empty(), "set_result threw: " << thrown);
  REQUIRE_BECAUSE(!never_unlocked,
                  "add_done_callback never locked the State's mutex: guard the State with the "
                  "exercises::CheckedMutex the starter declares (the tests watch it)");
  EXPECT_BECAUSE(run_until(loop, [&] { return ran.load(); }),
                 "a callback added while set_result ran was lost: add_done_callback looked at "
                 "done under one lock and added the callback under another, and set_result ran "
                 "in between. Look and add under one lock");
}

TEST(Exercise09, Part10_TwoFuturesSetAtOnceEachRunTheirOwnCallback) {
  // Future b is set while a's set_result is between its unlock of a's mutex and the posting of
  // a's callbacks, the test holding it there (as in Part9): two futures set at once, every time.
  parity::Loop loop;
  IntFuture a(loop.get_executor()), b(loop.get_executor());
  std::atomic<int> a_ran{0}, b_ran{0};
  std::string b_thrown;
  auto thrown = on_a_thread([&] {
    a.add_done_callback([&](IntFuture) { ++a_ran; });
    b.add_done_callback([&](IntFuture) { ++b_ran; });
    parity::exercises::CheckedMutex::after_next_unlock(
        [&] { b_thrown = on_a_thread([b]() mutable { b.set_result(2); }); });
    a.set_result(1);
    if (parity::exercises::CheckedMutex::pending_after_unlock()) {
      parity::exercises::CheckedMutex::after_next_unlock(nullptr);
      b.set_result(2);
    }
  });
  REQUIRE_BECAUSE(thrown.empty() && b_thrown.empty(),
                  "add_done_callback or set_result threw: " << thrown << b_thrown);
  // The loop run here, 5 s at most, until both callbacks ran; what a posted callback threw is
  // kept for the sentence.
  std::string loop_thrown;
  loop.context().restart();
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!(a_ran > 0 && b_ran > 0) && std::chrono::steady_clock::now() < deadline) {
    try {
      loop.context().run_one_for(10ms);
    } catch (const std::exception& e) {
      loop_thrown = e.what();
    }
  }
  loop.context().restart();
  try {
    loop.context().poll();  // a second run of either callback, if one was posted twice
  } catch (const std::exception& e) {
    loop_thrown = e.what();
  }
  EXPECT_BECAUSE(loop_thrown.empty(), "with two futures set at once, a callback posted to the "
                                      "loop threw: "
                                          << loop_thrown
                                          << " (an empty std::function was posted: are the "
                                             "callbacks to post kept somewhere both share, a "
                                             "static vector?)");
  EXPECT_BECAUSE(a_ran == 1 && b_ran == 1,
                 "two futures set at once, each with one callback: a's ran "
                     << a_ran << " times and b's " << b_ran
                     << " times, expected once each: each set_result posts only its own future's "
                        "callbacks");
}
