#include "common/loop/periodic_callback.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>

#include <random>

namespace parity {

struct PeriodicCallback::State : std::enable_shared_from_this<State> {
  State(Loop& loop, std::function<void()> cb, Clock::duration p, double j)
      : timer(asio::make_strand(loop.context())), callback(std::move(cb)), period(p), jitter(j) {}

  // Everything below is touched only on the timer's strand, except `running`.
  asio::steady_timer timer;
  std::function<void()> callback;
  Clock::duration period;
  double jitter;
  Clock::time_point next{};
  std::atomic<bool> running{false};
  std::minstd_rand random{std::random_device{}()};

  Clock::duration jittered_period() {
    if (jitter == 0.0) return period;
    double factor = 1.0 + jitter * (std::uniform_real_distribution<double>(0.0, 1.0)(random) - 0.5);
    return std::chrono::duration_cast<Clock::duration>(period * factor);
  }

  void schedule_next() {
    if (!running) return;
    next = next_slot(next, Clock::now(), jittered_period());
    timer.expires_at(next);
    timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || !self->running) return;
      try {
        self->callback();
      } catch (...) {
        log_callback_exception("PeriodicCallback", std::current_exception());
      }
      self->schedule_next();
    });
  }
};

PeriodicCallback::PeriodicCallback(Loop& loop, std::function<void()> callback,
                                   Clock::duration period, double jitter)
    : state_(std::make_shared<State>(loop, std::move(callback), period, jitter)) {}

PeriodicCallback::~PeriodicCallback() {
  stop();
}

void PeriodicCallback::start() {
  asio::dispatch(state_->timer.get_executor(), [state = state_] {
    if (state->running.exchange(true)) return;
    state->next = Clock::now();
    state->schedule_next();
  });
}

void PeriodicCallback::stop() {
  state_->running = false;
  asio::dispatch(state_->timer.get_executor(), [state = state_] { state->timer.cancel(); });
}

bool PeriodicCallback::is_running() const {
  return state_->running;
}

Clock::time_point PeriodicCallback::next_slot(Clock::time_point scheduled, Clock::time_point now,
                                              Clock::duration period) {
  if (scheduled > now) return scheduled + period;  // the clock went back: still move forward
  auto missed = (now - scheduled) / period;        // whole periods already gone by
  return scheduled + (missed + 1) * period;
}

}  // namespace parity
