#pragma once
// Tornado's PeriodicCallback: calls `callback` every `period` on the loop. If a call overruns,
// the slots it missed are skipped (never run back to back to catch up), so the calls stay on the
// grid start + k*period. `jitter` spreads each period by up to ±jitter/2 of itself.

#include "common/loop/loop.hpp"

#include <functional>
#include <memory>

namespace parity {

class PeriodicCallback {
 public:
  PeriodicCallback(Loop& loop, std::function<void()> callback, Clock::duration period,
                   double jitter = 0.0);
  ~PeriodicCallback();
  PeriodicCallback(const PeriodicCallback&) = delete;
  PeriodicCallback& operator=(const PeriodicCallback&) = delete;

  // Both may be called from any thread. The first call comes one period after start().
  void start();
  void stop();
  bool is_running() const;

  // The overrun rule on its own: the first slot of the grid `scheduled + k*period` (k >= 1)
  // that lies after `now`.
  static Clock::time_point next_slot(Clock::time_point scheduled, Clock::time_point now,
                                     Clock::duration period);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace parity
