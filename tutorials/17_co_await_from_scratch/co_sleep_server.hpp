#pragma once
// Lesson 16's /sleep?ms= server again, as coroutines on the toy loop (task.hpp): each client is
// one Task that reads, waits and answers top to bottom, where lesson 16 had a callback per event.
// The same parse, limits and barrier (sleep_server.hpp).

#include "tutorials/16_a_loop_from_scratch/sleep_server.hpp"
#include "tutorials/17_co_await_from_scratch/task.hpp"

namespace parity::toy {

class CoSleepServer {
 public:
  // Listens on a free port of 127.0.0.1. Destroy it only once its loop has stopped.
  explicit CoSleepServer(Loop& loop, int together = 0, Limits limits = {});
  ~CoSleepServer();
  CoSleepServer(const CoSleepServer&) = delete;
  CoSleepServer& operator=(const CoSleepServer&) = delete;
  int port() const { return port_; }
  const Waits& waits() const { return waits_; }

 private:
  Task accept_all();
  Task serve(int fd);

  Loop& loop_;
  Limits limits_;
  Waits waits_;
  int listener_ = -1;
  int port_ = 0;
  std::size_t clients_ = 0;
  Scope scope_;  // last: its tasks go first, while the rest is still here
};

}  // namespace parity::toy
