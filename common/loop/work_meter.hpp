#pragma once
// Where a request's time goes: on a loop thread running its own code, on a pool thread, or
// neither (waiting: for an upstream, a timer, a Future, or its turn). A WorkMeter adds up the
// first two; MeteredExecutor is the executor a request's code runs on (its connection's strand)
// with each piece of work clocked and labelled for the blocking log. Server-Timing and the
// access log print the figures.

#include "common/loop/work_scope.hpp"

#include <boost/asio/execution.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/require.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <type_traits>
#include <utility>

namespace parity::watch {

using Clock = std::chrono::steady_clock;

class WorkMeter;
// The meter whose piece of work runs on this thread, if any: what run_in_executor bills.
extern constinit thread_local WorkMeter* this_thread_meter;

class WorkMeter {
 public:
  // `label` names the work for the blocking log; it must outlive the meter's pieces.
  explicit WorkMeter(const Label& label) : label_(label) {}

  // On a loop thread so far, the piece under way included. Called on the request's strand.
  Clock::duration loop_time(Clock::time_point now) const {
    return running_since_ == Clock::time_point() ? loop_ : loop_ + (now - running_since_);
  }
  Clock::duration pool_time() const {
    return Clock::duration(pool_.load(std::memory_order_relaxed));
  }
  // From a pool thread, as its work for this request ends.
  void add_pool_time(Clock::duration time) {
    pool_.fetch_add(time.count(), std::memory_order_relaxed);
  }
  const Label& label() const { return label_; }
  // The meter as its owner shares it (aliasing the owner's shared_ptr), for work that may
  // outlive the piece that started it: pool work.
  std::weak_ptr<WorkMeter> self;

 private:
  friend class MeterScope;
  const Label& label_;
  Clock::duration loop_{};
  Clock::time_point running_since_{};  // zero when no piece of it runs
  std::atomic<Clock::rep> pool_{0};
};

// One piece of a meter's work on this thread: clocked and labelled, unless a piece of the same
// meter is under way already on this thread (a strand runs nested work inline).
class MeterScope {
 public:
  explicit MeterScope(WorkMeter* meter) noexcept {
    if (!meter || meter == this_thread_meter) return;
    meter_ = meter;
    previous_ = this_thread_meter;
    this_thread_meter = meter;
    if (auto* slot = this_thread_slot) {
      previous_label_ = slot->label.load(std::memory_order_relaxed);
      slot->label.store(&meter->label_, std::memory_order_relaxed);
    }
    meter->running_since_ = Clock::now();
  }
  ~MeterScope() {
    if (!meter_) return;
    if (tracing.load(std::memory_order_relaxed))
      trace_piece(&meter_->label_, meter_->running_since_);
    meter_->loop_ += Clock::now() - meter_->running_since_;
    meter_->running_since_ = Clock::time_point();
    this_thread_meter = previous_;
    if (auto* slot = this_thread_slot)
      slot->label.store(previous_label_, std::memory_order_relaxed);
  }
  MeterScope(const MeterScope&) = delete;
  MeterScope& operator=(const MeterScope&) = delete;

 private:
  WorkMeter* meter_ = nullptr;
  WorkMeter* previous_ = nullptr;
  const Label* previous_label_ = nullptr;
};

// A strand over a loop's executor, with each function it runs made a piece of the meter's work.
// The meter is held weakly: work may still run on this executor after its request is gone (a
// timer's handler that ignores the handler), and is then simply not clocked.
//
// Small on purpose: 24 bytes, what any_io_executor holds without allocating. A coroutine keeps
// its executor in one and copies it at each co_await (work guards, `prefer`); a bigger executor
// cost the threadpool style a malloc and a free each time (bench/README.md). So the strand and the
// meter sit in one shared block, made once per request, and the executor keeps beside it only the
// loop's executor, which carries Asio's properties (outstanding work, blocking, continuation).
template <class Strand>
struct MeteredTarget {
  Strand strand;
  std::weak_ptr<WorkMeter> meter;
};

template <class Strand, class Loop = typename Strand::inner_executor_type>
class MeteredExecutor {
 public:
  using Target = MeteredTarget<Strand>;

  MeteredExecutor(Strand strand, std::weak_ptr<WorkMeter> meter)
      : loop_(strand.get_inner_executor()),
        // malloc's per-thread cache, not Asio's recycling allocator: that one's few slots are
        // Asio's own operations', and a block freed on a pool thread goes back to its cache.
        target_(std::make_shared<const Target>(Target{std::move(strand), std::move(meter)})) {}
  MeteredExecutor(Loop loop, std::shared_ptr<const Target> target) noexcept
      : loop_(std::move(loop)), target_(std::move(target)) {}

  // The executor without the clock (the strand itself).
  const Strand& unmetered() const noexcept { return target_->strand; }
  // As a strand's: the loop's executor under it.
  const Loop& get_inner_executor() const noexcept { return loop_; }
  bool running_in_this_thread() const noexcept {
    return target_->strand.running_in_this_thread();
  }

  // Asio's executor properties are the loop's, as a strand's are.
  template <class Property>
  auto query(const Property& property) const
      noexcept(noexcept(boost::asio::query(std::declval<const Loop&>(), property)))
          -> decltype(boost::asio::query(std::declval<const Loop&>(), property)) {
    return boost::asio::query(loop_, property);
  }
  template <class Property>
  auto require(const Property& property) const -> MeteredExecutor<
      Strand, std::decay_t<decltype(boost::asio::require(std::declval<const Loop&>(), property))>> {
    return {boost::asio::require(loop_, property), target_};
  }
  template <class Property>
  auto prefer(const Property& property) const -> MeteredExecutor<
      Strand, std::decay_t<decltype(boost::asio::prefer(std::declval<const Loop&>(), property))>> {
    return {boost::asio::prefer(loop_, property), target_};
  }

  // On the strand, as the loop's executor would run it: never inline if it says blocking.never,
  // a continuation if it says so.
  template <class Function>
  void execute(Function&& function) const {
    namespace execution = boost::asio::execution;
    Piece<std::decay_t<Function>> piece{target_, std::forward<Function>(function)};
    const Strand& strand = target_->strand;
    bool never = boost::asio::query(loop_, execution::blocking) == execution::blocking.never;
    bool continuation =
        boost::asio::query(loop_, execution::relationship) == execution::relationship.continuation;
    if (never && continuation) {
      boost::asio::prefer(boost::asio::require(strand, execution::blocking.never),
                          execution::relationship.continuation)
          .execute(std::move(piece));
    } else if (never) {
      boost::asio::require(strand, execution::blocking.never).execute(std::move(piece));
    } else if (continuation) {
      boost::asio::prefer(strand, execution::relationship.continuation).execute(std::move(piece));
    } else {
      strand.execute(std::move(piece));
    }
  }

  friend bool operator==(const MeteredExecutor& a, const MeteredExecutor& b) noexcept {
    return a.loop_ == b.loop_ && a.target_ == b.target_;
  }
  friend bool operator!=(const MeteredExecutor& a, const MeteredExecutor& b) noexcept {
    return !(a == b);
  }

 private:
  template <class Function>
  struct Piece {
    std::shared_ptr<const Target> target;
    Function function;
    void operator()() {
      // Held for the piece: the request is not destroyed in the middle of its own code.
      auto alive = target->meter.lock();
      MeterScope scope(alive.get());
      std::move(function)();
    }
  };

  Loop loop_;
  std::shared_ptr<const Target> target_;
};

}  // namespace parity::watch
