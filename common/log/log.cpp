#include "common/log/log.hpp"

#include <fmt/compile.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace parity::log {
namespace {

std::atomic<Level> g_level{Level::info};
std::mutex g_write_mutex;
Sink g_sink;  // guarded by g_write_mutex

// The buffer, guarded by g_write_mutex. A fatal signal's handler reads it without the lock (it
// cannot take one): the pointer and the count are atomics, and the count moves only after the
// bytes are in, so what it writes is whole lines, but for one torn by the crash itself.
std::atomic<char*> g_data{nullptr};
std::atomic<std::size_t> g_used{0};
std::atomic<int> g_fd{2};
std::size_t g_capacity = 0;                      // 0: unbuffered
std::vector<std::unique_ptr<char[]>> g_buffers;  // kept: a signal may still read an old one

void write_all(int fd, const char* data, std::size_t size) {  // async-signal-safe
  while (size > 0) {
    ssize_t written = ::write(fd, data, size);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;  // nowhere to log to: drop the lines rather than block or throw
    data += written;
    size -= static_cast<std::size_t>(written);
  }
}

void flush_locked() {
  std::size_t used = g_used.load(std::memory_order_acquire);
  if (used == 0) return;
  write_all(g_fd.load(std::memory_order_relaxed), g_data.load(std::memory_order_relaxed), used);
  g_used.store(0, std::memory_order_release);
}

void append_locked(std::string_view line) {
  if (g_used.load(std::memory_order_relaxed) + line.size() > g_capacity) flush_locked();
  if (line.size() > g_capacity) {
    return write_all(g_fd.load(std::memory_order_relaxed), line.data(), line.size());
  }
  std::size_t used = g_used.load(std::memory_order_relaxed);
  std::memcpy(g_data.load(std::memory_order_relaxed) + used, line.data(), line.size());
  g_used.store(used + line.size(), std::memory_order_release);
}

// Wakes every `period` and writes what is pending, so no line waits longer. Stopped at exit,
// after a last flush (static destruction; prefork's children flush before _exit).
class Flusher {
 public:
  void start(std::chrono::milliseconds period) {  // once stopped
    std::lock_guard lock(g_write_mutex);
    period_ = period;
    stopping_ = false;
    thread_ = std::thread([this] { run(); });
  }
  void stop() {
    {
      std::lock_guard lock(g_write_mutex);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  ~Flusher() {
    stop();
    std::lock_guard lock(g_write_mutex);
    flush_locked();
    g_capacity = 0;  // what static destructors log after this goes out at once
  }

 private:
  void run() {
    std::unique_lock lock(g_write_mutex);
    while (!stopping_) {
      wake_.wait_for(lock, period_, [this] { return stopping_; });
      flush_locked();
    }
  }
  std::thread thread_;
  std::condition_variable wake_;
  std::chrono::milliseconds period_{1000};
  bool stopping_ = false;
};

Flusher g_flusher;

// A fatal signal writes what is pending, then lets the previous handler (the default: a core
// dump; or a sanitizer's report) have the signal.
constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
struct sigaction g_previous[sizeof kFatalSignals / sizeof kFatalSignals[0]];

void on_fatal_signal(int signal) {
  char* data = g_data.load(std::memory_order_relaxed);
  std::size_t used = g_used.exchange(0, std::memory_order_acquire);
  if (data && used) write_all(g_fd.load(std::memory_order_relaxed), data, used);
  for (std::size_t i = 0; i < std::size(kFatalSignals); ++i) {
    if (kFatalSignals[i] == signal) ::sigaction(signal, &g_previous[i], nullptr);
  }
  ::raise(signal);
}

void install_fatal_signal_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action {};
    action.sa_handler = on_fatal_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_NODEFER;  // so the raise() of the previous handler's turn gets through
    for (std::size_t i = 0; i < std::size(kFatalSignals); ++i)
      ::sigaction(kFatalSignals[i], &action, &g_previous[i]);
  });
}

// "261122 04:23:15", made once a second per thread rather than once a line.
std::string_view stamp_now() {
  thread_local std::time_t last = -1;
  thread_local char stamp[32];
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  if (now != last) {
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::strftime(stamp, sizeof stamp, "%y%m%d %H:%M:%S", &utc);
    last = now;
  }
  return stamp;
}

char letter(Level level) {
  switch (level) {
    case Level::debug:
      return 'D';
    case Level::info:
      return 'I';
    case Level::warning:
      return 'W';
    case Level::error:
      return 'E';
    case Level::off:
      break;
  }
  return '?';
}

}  // namespace

void set_level(Level level) {
  g_level.store(level, std::memory_order_relaxed);
}

bool enabled(Level level) {
  auto current = g_level.load(std::memory_order_relaxed);
  return current != Level::off && level >= current;
}

void write(Level level, std::string_view channel, std::string_view message) {
  fmt::memory_buffer line;
  fmt::format_to(fmt::appender(line), FMT_COMPILE("[{} {} {}] {}\n"), letter(level), stamp_now(),
                 channel, message);
  std::string_view text(line.data(), line.size());
  std::lock_guard lock(g_write_mutex);
  if (g_sink) return g_sink(text);
  if (g_capacity > 0) return append_locked(text);
  write_all(g_fd.load(std::memory_order_relaxed), text.data(), text.size());
}

void set_buffering(const Buffering& buffering) {
  g_flusher.stop();
  {
    std::lock_guard lock(g_write_mutex);
    flush_locked();
    g_fd.store(buffering.fd, std::memory_order_relaxed);
    if (buffering.size > g_capacity) {
      g_buffers.push_back(std::make_unique<char[]>(buffering.size));
      g_data.store(g_buffers.back().get(), std::memory_order_release);
    }
    g_capacity = buffering.size;
  }
  if (buffering.size == 0) return;
  install_fatal_signal_handlers();
  g_flusher.start(buffering.flush);
}

void flush() {
  std::lock_guard lock(g_write_mutex);
  flush_locked();
}

void set_sink(Sink sink) {
  std::lock_guard lock(g_write_mutex);
  g_sink = std::move(sink);
}

Level parse_level(std::string_view name) {
  if (name == "debug") return Level::debug;
  if (name == "info") return Level::info;
  if (name == "warning") return Level::warning;
  if (name == "error") return Level::error;
  if (name == "off") return Level::off;
  throw std::invalid_argument(fmt::format("unknown log level '{}'", name));
}

}  // namespace parity::log
