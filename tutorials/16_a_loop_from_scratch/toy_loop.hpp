#pragma once
// Lesson 16's toy event loop: epoll for the sockets, a timer heap and a ready queue, with no Asio,
// under Tornado's names (add_handler, call_later, add_callback) and the project Loop's. A toy: one
// thread, no strands, no cancellation beyond remove_timeout, no error handling past a log line.
// Only lessons 16 and 17 and their exercises use it; the core and the styles never do.

#include <sys/epoll.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <queue>
#include <unordered_map>
#include <vector>

namespace parity::toy {

using Clock = std::chrono::steady_clock;

// Tornado's IOLoop.READ, WRITE and ERROR, as epoll spells them.
inline constexpr std::uint32_t READ = EPOLLIN;
inline constexpr std::uint32_t WRITE = EPOLLOUT;
inline constexpr std::uint32_t ERROR = EPOLLERR | EPOLLHUP;

using TimeoutId = std::uint64_t;  // what call_later returns, for remove_timeout

class Loop {
 public:
  Loop();
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  // `handler(events)` runs on the loop each time `fd` is ready for one of `events`.
  void add_handler(int fd, std::uint32_t events, std::function<void(std::uint32_t)> handler);
  void update_handler(int fd, std::uint32_t events);
  void remove_handler(int fd);

  // On the loop's thread only: the heap has no lock.
  TimeoutId call_later(Clock::duration delay, std::function<void()> callback);
  void remove_timeout(TimeoutId id);

  // The one call that is safe from any thread: queued, and the loop woken to run it.
  void add_callback(std::function<void()> callback);

  // One turn: wait for the sockets no longer than the nearest timer, run the ready handlers, the
  // timers that are due (earliest first), then the queued callbacks.
  void run_once();
  void run();   // turns until stop()
  void stop();  // from any thread

 private:
  struct Timer {
    Clock::time_point when;
    TimeoutId id;
    bool operator>(const Timer& other) const { return when > other.when; }
  };
  int timeout_ms() const;  // how long run_once may wait for the sockets
  void run_due_timers();
  void run_ready_callbacks();

  int epoll_ = -1;
  int wake_ = -1;  // an eventfd: add_callback writes to it so that epoll_wait returns
  std::unordered_map<int, std::function<void(std::uint32_t)>> handlers_;
  // The heap orders by deadline; the map holds the callbacks, so remove_timeout is an erase and
  // the heap entry left behind is skipped when it comes up.
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  std::unordered_map<TimeoutId, std::function<void()>> timer_callbacks_;
  TimeoutId next_id_ = 1;
  mutable std::mutex mutex_;  // guards ready_ and stopped_, which other threads touch
  std::vector<std::function<void()>> ready_;
  bool stopped_ = false;
};

}  // namespace parity::toy
