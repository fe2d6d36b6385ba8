#pragma once
// The blocking log, Tornado 4's IOLoop.set_blocking_log_threshold: when one piece of work holds a
// loop thread longer than the threshold, one warning says for how long, whose work it was (the
// request, or the callback's name) and where that thread was when it was caught, as a stack.
//
// How: each loop thread has a ThreadSlot (work_scope.hpp) whose count is odd while a completion
// handler runs. A watchdog thread looks at the counts a few times per threshold. A count that is
// still the same odd number a threshold later is one piece of work that has held its thread that
// long: the watchdog sends that thread a signal, whose handler copies the stack's addresses and
// the label (nothing that allocates or locks), then names the frames on its own thread and
// writes the warning when the piece ends. A piece that ends between a look and the signal is
// not reported. Cost on the loop's side: two increments per handler; no clock, no system call.

#include "common/loop/work_scope.hpp"

#include <chrono>
#include <memory>

namespace parity::watch {

class BlockingLog {
 public:
  // Starts the watchdog. A threshold of zero or less is refused (std::invalid_argument).
  explicit BlockingLog(std::chrono::milliseconds threshold);
  ~BlockingLog();  // stops the watchdog; threads still watched are let go of
  BlockingLog(const BlockingLog&) = delete;
  BlockingLog& operator=(const BlockingLog&) = delete;

  // Watches the calling thread while the returned object lives: a loop thread makes one as it
  // starts running the loop. `index` names it in warnings ("loop thread 2").
  // The BlockingLog must outlive it.
  class Watch {
   public:
    Watch(Watch&&) noexcept;
    ~Watch();
    struct Registered;  // blocking_log.cpp's

   private:
    friend class BlockingLog;
    explicit Watch(std::unique_ptr<Registered> registered);
    std::unique_ptr<Registered> registered_;
  };
  Watch watch_this_thread(unsigned index);

  std::chrono::milliseconds threshold() const;

 private:
  struct Watchdog;
  std::unique_ptr<Watchdog> watchdog_;
};

}  // namespace parity::watch
