#pragma once
// A heartbeat the loop keeps, for lessons 02 and 06: a callback every 10 ms that notes when it
// ran, on the clock of the demo's started_at and finished_at (demo::monotonic_ms). A loop held by
// a blocking call runs nothing else, so its beats stop for as long as the call holds it.

#include "app/demo/endpoint.hpp"
#include "common/loop/loop.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace parity::tutorials {

class Heartbeat {
 public:
  // Starts on `loop` and returns once it has beaten twice (5 s at most).
  explicit Heartbeat(Loop& loop) : state_(std::make_shared<State>()) {
    state_->loop = &loop;
    loop.add_callback([state = state_] { beat(state); });
    wait_for(2);
  }
  // Returns once the loop has beaten again (5 s at most): a gap ends only at its next beat.
  void next() { wait_for(beats().size() + 1); }
  ~Heartbeat() {
    std::lock_guard lock(state_->mutex);
    state_->stopped = true;  // a beat still pending on the loop does nothing
  }
  Heartbeat(const Heartbeat&) = delete;
  Heartbeat& operator=(const Heartbeat&) = delete;

  std::vector<double> beats() const {
    std::lock_guard lock(state_->mutex);
    return state_->beats;
  }
  // How many beats came strictly between `from` and `to` (ms, the demo's clock).
  int between(double from, double to) const {
    int count = 0;
    for (double at : beats()) count += at > from && at < to;
    return count;
  }
  // The longest time between two beats in a row, in ms.
  double longest_gap() const {
    auto all = beats();
    double gap = 0;
    for (std::size_t i = 1; i < all.size(); ++i) gap = std::max(gap, all[i] - all[i - 1]);
    return gap;
  }

 private:
  void wait_for(std::size_t count) const {
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    while (beats().size() < count && Clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  struct State {
    std::mutex mutex;
    Loop* loop = nullptr;
    std::vector<double> beats;
    bool stopped = false;
  };
  // On the loop's thread: note the time, and ask for the next beat 10 ms from now.
  static void beat(const std::shared_ptr<State>& state) {
    {
      std::lock_guard lock(state->mutex);
      if (state->stopped) return;
      state->beats.push_back(demo::monotonic_ms());
    }
    state->loop->call_later(std::chrono::milliseconds(10), [state] { beat(state); });
  }
  std::shared_ptr<State> state_;
};

}  // namespace parity::tutorials
