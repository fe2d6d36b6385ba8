#pragma once
// A trace of what the loop's threads did, in Chrome's Trace Event Format, which Perfetto
// (ui.perfetto.dev) and chrome://tracing open: a track per loop thread and per pool thread, a
// slice per piece of work (a request's code named by its request, the rest "loop work"), and each
// request as a span from its start to its response. Sync's loop shows as solid blocks, the
// coroutine's as slivers between long waits.
//
// While a Trace lives it is the process's one recording (parity serve --trace FILE); its
// destructor writes the file, so a server stopped by SIGINT or SIGTERM leaves a whole file. It
// keeps at most `max_events`, then stops recording and says so in the file and the log.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace parity::watch {

struct Label;

class Trace {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Trace(std::string path, std::size_t max_events = 2'000'000);
  ~Trace();  // writes the file
  Trace(const Trace&) = delete;
  Trace& operator=(const Trace&) = delete;

  // The recording under way, or null: one relaxed load, for the hooks' "is anyone recording?".
  static Trace* current() { return current_.load(std::memory_order_acquire); }

  // A piece of work on this thread ("X" events). Threads are numbered as they first record.
  void slice(const Label* label, Clock::time_point start, Clock::time_point end);
  // A request from start to end, on a track of requests ("b" and "e" events).
  void request(const Label& label, Clock::time_point start, Clock::time_point end);
  const std::string& path() const { return path_; }
  std::size_t events() const;

 private:
  bool room();  // under mutex_
  int this_thread_track();  // under mutex_; names a new track in the file
  void append_thread_name(int track, std::string_view name);  // under mutex_
  void append_name(const Label* label);  // under mutex_, JSON-escaped
  double micros(Clock::time_point t) const;

  static std::atomic<Trace*> current_;
  std::string path_;
  std::size_t max_events_;
  Clock::time_point start_ = Clock::now();
  mutable std::mutex mutex_;
  std::string events_;  // comma-separated JSON objects
  std::size_t count_ = 0;
  bool full_ = false;
  std::uint64_t generation_ = 0;  // tells this trace's track numbers from an earlier one's
  std::uint64_t next_request_ = 1;
  int next_track_ = 1;
};

}  // namespace parity::watch
