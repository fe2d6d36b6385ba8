#pragma once
// What a watched loop thread is doing, kept cheaply enough to keep always: a count that is odd
// while a piece of work (a completion handler) runs, and a label saying whose work it is. The
// blocking log (blocking_log.hpp) reads them from its own thread; nothing here takes a lock, makes
// a system call or reads a clock.
//
// Included by Asio itself (asio_tracking.hpp), so it includes nothing of Asio.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>

namespace parity::watch {

// Whose work a piece is, as the blocking log names it: a request's method, target, route and
// handler class, or a callback's name in `what` alone. Views: the labelled object outlives each
// piece it labels.
struct Label {
  std::string_view what;
  std::string_view target;
  std::string_view route;
  std::string_view handler;
};

// One per watched thread, written by that thread only (and its signal handler), read by the
// watchdog.
struct ThreadSlot {
  std::atomic<std::uint64_t> pieces{0};  // odd while a piece of work runs
  int depth = 0;                         // handlers run inside handlers count once
  // The innermost labelled work under way, if any. Atomic only for the signal handler, which
  // runs on this same thread: relaxed is enough.
  std::atomic<const Label*> label{nullptr};
  // Whose thread this is, for a trace's track name: "server" and 1 give "server thread 1".
  const char* loop_name = "loop";
  unsigned index = 1;
};

// The slot of this thread, or null on a thread no loop watches (pool threads, clients).
// constinit: a plain load of thread storage, with no wrapper call to check for initialisation.
extern constinit thread_local ThreadSlot* this_thread_slot;

// True while a Trace records (trace.hpp); the hooks then clock their pieces and hand them over.
extern std::atomic<bool> tracing;
void trace_piece(const Label* label, std::chrono::steady_clock::time_point start) noexcept;
void trace_request(const Label& label, std::chrono::steady_clock::time_point start) noexcept;

// Opened for each completion handler Asio runs (asio_tracking.hpp).
class WorkScope {
 public:
  WorkScope() noexcept : slot_(this_thread_slot) {
    if (slot_ && slot_->depth++ == 0) {
      bump();
      if (tracing.load(std::memory_order_relaxed)) start_ = std::chrono::steady_clock::now();
    }
  }
  ~WorkScope() {
    if (slot_ && --slot_->depth == 0) {
      bump();
      if (start_ != std::chrono::steady_clock::time_point()) trace_piece(nullptr, start_);
    }
  }
  WorkScope(const WorkScope&) = delete;
  WorkScope& operator=(const WorkScope&) = delete;

 private:
  // Only this thread writes the count: a plain increment, published to the watchdog.
  void bump() noexcept {
    slot_->pieces.store(slot_->pieces.load(std::memory_order_relaxed) + 1,
                        std::memory_order_release);
  }
  ThreadSlot* slot_;
  std::chrono::steady_clock::time_point start_{};  // set only while a trace records
};

// Names the work under way on this thread, for as long as it lives.
class LabelScope {
 public:
  explicit LabelScope(const Label& label) noexcept : slot_(this_thread_slot) {
    if (!slot_) return;
    previous_ = slot_->label.load(std::memory_order_relaxed);
    slot_->label.store(&label, std::memory_order_relaxed);
  }
  ~LabelScope() {
    if (slot_) slot_->label.store(previous_, std::memory_order_relaxed);
  }
  LabelScope(const LabelScope&) = delete;
  LabelScope& operator=(const LabelScope&) = delete;

 private:
  ThreadSlot* slot_;
  const Label* previous_ = nullptr;
};

}  // namespace parity::watch
