#include "common/loop/loop.hpp"

#include "common/loop/blocking_log.hpp"
#include "common/loop/trace.hpp"

#include <fmt/format.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>

#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace parity {

struct TimeoutHandle::State {
  explicit State(asio::io_context& context) : timer(asio::make_strand(context)) {}
  asio::steady_timer timer;  // on its own strand, so cancel() may come from any thread
  std::atomic<bool> cancelled{false};
};

void TimeoutHandle::cancel() const {
  if (!state_) return;
  state_->cancelled = true;  // checked by the wait handler: covers a timer that already expired
  asio::dispatch(state_->timer.get_executor(), [state = state_] { state->timer.cancel(); });
}

void log_callback_exception(std::string_view name, std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    log::error("loop", "exception in callback '{}': {}", name, e.what());
  } catch (...) {
    log::error("loop", "exception in callback '{}': unknown exception", name);
  }
}

TimeoutHandle Loop::call_at(Clock::time_point when, std::function<void()> callback) {
  TimeoutHandle handle;
  handle.state_ = std::make_shared<TimeoutHandle::State>(context_);
  handle.state_->timer.expires_at(when);
  handle.state_->timer.async_wait(
      [state = handle.state_, callback = std::move(callback)](boost::system::error_code ec) {
        if (ec || state->cancelled) return;
        static constexpr watch::Label label{"a call_later/call_at callback", {}, {}, {}};
        watch::LabelScope labelled(label);
        try {
          callback();
        } catch (...) {
          log_callback_exception("call_at", std::current_exception());
        }
      });
  return handle;
}

void Loop::run(unsigned threads) {
  auto work = asio::make_work_guard(context_);
  context_.restart();
  if (stop_requested_.exchange(false)) return;
  std::optional<watch::BlockingLog> blocking_log;
  if (blocking_log_threshold_ > std::chrono::milliseconds::zero())
    blocking_log.emplace(blocking_log_threshold_);
  const std::string name = name_;  // the threads point at it while they run
  auto run_until_stopped = [this, &blocking_log, &name](unsigned index) {
    std::optional<watch::BlockingLog::Watch> watched;
    if (blocking_log) watched.emplace(blocking_log->watch_this_thread(index));
    // Without the blocking log the thread's pieces are still counted: for a trace and activity().
    struct OwnSlot {
      watch::ThreadSlot slot;
      bool set = false;
      ~OwnSlot() {
        if (set) watch::this_thread_slot = nullptr;
      }
    } own;
    if (!blocking_log) {
      watch::this_thread_slot = &own.slot;
      own.set = true;
    }
    struct Listed {
      Loop& loop;
      unsigned index;
      Listed(Loop& loop, unsigned index) : loop(loop), index(index) {
        std::lock_guard lock(loop.slots_mutex_);
        if (loop.slots_.size() < index) loop.slots_.resize(index);
        loop.slots_[index - 1] = watch::this_thread_slot;
      }
      ~Listed() {
        std::lock_guard lock(loop.slots_mutex_);
        loop.slots_[index - 1] = nullptr;
      }
    } listed(*this, index);
    watch::this_thread_slot->loop_name = name.c_str();  // a trace names the thread's track
    watch::this_thread_slot->index = index;
    for (;;) {
      try {
        context_.run();
        return;
      } catch (...) {
        log_callback_exception("loop", std::current_exception());
      }
    }
  };
  std::vector<std::jthread> others;
  for (unsigned i = 1; i < threads; ++i) others.emplace_back(run_until_stopped, i + 1);
  run_until_stopped(1);
  for (auto& thread : others) thread.join();
  stop_requested_ = false;
  std::lock_guard lock(slots_mutex_);
  slots_.clear();
}

std::vector<std::uint64_t> Loop::activity() const {
  std::lock_guard lock(slots_mutex_);
  std::vector<std::uint64_t> counts;
  for (const auto* slot : slots_) {
    if (!slot) break;  // a thread not started yet, or gone
    counts.push_back(slot->pieces.load(std::memory_order_acquire));
  }
  return counts;
}

}  // namespace parity
