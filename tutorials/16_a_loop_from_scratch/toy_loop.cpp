// Lesson 16's toy loop (toy_loop.hpp). About the size of Beazley's select loop: the three queues
// and one function, run_once, that turns them.

#include "tutorials/16_a_loop_from_scratch/toy_loop.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <stdexcept>
#include <system_error>

namespace parity::toy {

Loop::Loop() : epoll_(epoll_create1(EPOLL_CLOEXEC)), wake_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (epoll_ < 0 || wake_ < 0) throw std::system_error(errno, std::generic_category(), "toy loop");
  epoll_event event{.events = READ, .data = {.fd = wake_}};
  epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &event);
}

Loop::~Loop() {
  close(wake_);
  close(epoll_);
}

void Loop::add_handler(int fd, std::uint32_t events, std::function<void(std::uint32_t)> handler) {
  epoll_event event{.events = events, .data = {.fd = fd}};
  if (epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event) != 0)
    throw std::system_error(errno, std::generic_category(), "add_handler");
  handlers_[fd] = std::move(handler);
}

void Loop::update_handler(int fd, std::uint32_t events) {
  epoll_event event{.events = events, .data = {.fd = fd}};
  epoll_ctl(epoll_, EPOLL_CTL_MOD, fd, &event);
}

void Loop::remove_handler(int fd) {
  epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
  handlers_.erase(fd);
}

// [excerpt: timers]
TimeoutId Loop::call_later(Clock::duration delay, std::function<void()> callback) {
  auto id = next_id_++;
  timers_.push({Clock::now() + delay, id});
  timer_callbacks_[id] = std::move(callback);
  return id;
}

void Loop::remove_timeout(TimeoutId id) {
  timer_callbacks_.erase(id);
}

void Loop::run_due_timers() {
  const auto now = Clock::now();
  while (!timers_.empty() && timers_.top().when <= now) {  // the earliest first, only if due
    auto id = timers_.top().id;
    timers_.pop();
    auto found = timer_callbacks_.find(id);
    if (found == timer_callbacks_.end()) continue;  // removed
    auto callback = std::move(found->second);
    timer_callbacks_.erase(found);
    callback();
  }
}
// [/excerpt]

void Loop::add_callback(std::function<void()> callback) {
  {
    std::lock_guard lock(mutex_);
    ready_.push_back(std::move(callback));
  }
  std::uint64_t one = 1;
  [[maybe_unused]] auto written = write(wake_, &one, sizeof one);
}

void Loop::run_ready_callbacks() {
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard lock(mutex_);
    ready.swap(ready_);  // those queued while these run wait for the next turn
  }
  for (auto& callback : ready) callback();
}

// [excerpt: run_once]
int Loop::timeout_ms() const {
  {
    std::lock_guard lock(mutex_);
    if (!ready_.empty()) return 0;  // work queued already: only look
  }
  if (timers_.empty()) return -1;  // nothing due ever: wait for a socket or add_callback
  auto left = timers_.top().when - Clock::now();
  if (left <= Clock::duration::zero()) return 0;
  // Rounded up: waking a little late is fine, waking early would only spin.
  return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(left).count());
}

void Loop::run_once() {
  epoll_event events[64];
  int count = epoll_wait(epoll_, events, 64, timeout_ms());
  for (int i = 0; i < count; ++i) {
    int fd = events[i].data.fd;
    if (fd == wake_) {
      std::uint64_t n;
      [[maybe_unused]] auto read_back = read(wake_, &n, sizeof n);
      continue;
    }
    auto found = handlers_.find(fd);  // an earlier handler of this turn may have removed it
    if (found == handlers_.end()) continue;
    auto handler = found->second;  // a copy: the handler may remove itself
    handler(events[i].events);
  }
  run_due_timers();
  run_ready_callbacks();
}
// [/excerpt]

void Loop::run() {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopped_) return;
    }
    run_once();
  }
}

void Loop::stop() {
  add_callback([this] {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  });
}

}  // namespace parity::toy
