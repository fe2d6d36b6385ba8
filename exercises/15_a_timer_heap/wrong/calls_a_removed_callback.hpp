#pragma once
// Mistake: the heap entry of a removed timeout is looked up with callbacks_[id] and called
// Fails with: an empty std::function was called

#include "exercises/support/world.hpp"
#include "tutorials/16_a_loop_from_scratch/toy_loop.hpp"  // READ, WRITE, Clock, TimeoutId

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <unordered_map>
#include <vector>

namespace exercise {

using parity::toy::Clock;
using parity::toy::TimeoutId;

// Lesson 16's toy loop with its timers taken out. The sockets (add_handler...) and the ready queue
// (add_callback) are written; call_later, remove_timeout and run_once are yours.
class Loop {
 public:
  Loop() : epoll_(epoll_create1(EPOLL_CLOEXEC)), wake_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = wake_;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &event);
  }
  ~Loop() {
    close(wake_);
    close(epoll_);
  }
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  // ---- the timers: yours ---------------------------------------------------------------------

  // Runs `callback` on the loop once `delay` has passed. Called on the loop's thread only.
  TimeoutId call_later(Clock::duration delay, std::function<void()> callback) {
    auto id = next_id_++;
    timers_.push({Clock::now() + delay, id});
    callbacks_[id] = std::move(callback);
    return id;
  }

  // The callback of `id` will not run. Called on the loop's thread only. Its heap entry stays,
  // and is skipped when it comes up: a heap cannot take one out of its middle.
  void remove_timeout(TimeoutId id) { callbacks_.erase(id); }

  // One turn of the loop: wait for the sockets (wait_for_sockets) no longer than the nearest
  // timer, run the timers that are due, earliest first, then the queued callbacks.
  void run_once() {
    wait_for_sockets(timeout_ms());
    const auto now = Clock::now();
    while (!timers_.empty() && timers_.top().when <= now) {  // the earliest first, if due
      auto id = timers_.top().id;
      timers_.pop();
      auto callback = std::move(callbacks_[id]);
      callbacks_.erase(id);
      callback();
    }
    run_ready_callbacks();
  }

  // How long the sockets may be waited for: not past the nearest deadline, and not at all when
  // callbacks are queued.
  int timeout_ms() const {
    if (callbacks_queued()) return 0;
    if (timers_.empty()) return -1;
    auto left = timers_.top().when - Clock::now();
    if (left <= Clock::duration::zero()) return 0;
    return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(left).count());
  }

  // ---- written for you -----------------------------------------------------------------------

  // Waits for the sockets `timeout_ms` at most (-1: until one is ready, or add_callback wakes
  // the loop; 0: only looks), and runs the handlers of those that are ready.
  void wait_for_sockets(int timeout_ms) {
    epoll_event events[64];
    int count = epoll_wait(epoll_, events, 64, timeout_ms);
    for (int i = 0; i < count; ++i) {
      int fd = events[i].data.fd;
      if (fd == wake_) {
        std::uint64_t n;
        [[maybe_unused]] auto got = read(wake_, &n, sizeof n);
        continue;
      }
      auto found = handlers_.find(fd);
      if (found == handlers_.end()) continue;
      auto handler = found->second;
      handler(events[i].events);
    }
  }
  bool callbacks_queued() const {
    std::lock_guard lock(mutex_);
    return !ready_.empty();
  }
  void run_ready_callbacks() {
    std::vector<std::function<void()>> ready;
    {
      std::lock_guard lock(mutex_);
      ready.swap(ready_);
    }
    for (auto& callback : ready) callback();
  }

  void add_handler(int fd, std::uint32_t events, std::function<void(std::uint32_t)> handler) {
    epoll_event event{};
    event.events = events;
    event.data.fd = fd;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event);
    handlers_[fd] = std::move(handler);
  }
  void update_handler(int fd, std::uint32_t events) {
    epoll_event event{};
    event.events = events;
    event.data.fd = fd;
    epoll_ctl(epoll_, EPOLL_CTL_MOD, fd, &event);
  }
  void remove_handler(int fd) {
    epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
    handlers_.erase(fd);
  }
  // From any thread: queued, and the loop woken to run it.
  void add_callback(std::function<void()> callback) {
    {
      std::lock_guard lock(mutex_);
      ready_.push_back(std::move(callback));
    }
    std::uint64_t one = 1;
    [[maybe_unused]] auto written = write(wake_, &one, sizeof one);
  }
  void run() {
    while (!stopped()) run_once();
  }
  void stop() {
    add_callback([this] {
      std::lock_guard lock(mutex_);
      stopped_ = true;
    });
  }
  bool stopped() const {
    std::lock_guard lock(mutex_);
    return stopped_;
  }

 private:
  struct Timer {
    Clock::time_point when;
    TimeoutId id;
    bool operator>(const Timer& other) const { return when > other.when; }
  };
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;  // by deadline
  std::unordered_map<TimeoutId, std::function<void()>> callbacks_;         // removed: erased
  TimeoutId next_id_ = 1;

  int epoll_;
  int wake_;
  std::unordered_map<int, std::function<void(std::uint32_t)>> handlers_;
  mutable std::mutex mutex_;
  std::vector<std::function<void()>> ready_;
  bool stopped_ = false;
};

}  // namespace exercise
