#pragma once
// Tornado-style log lines on stderr: `[I 261122 04:23:15 access] 200 GET / (127.0.0.1) 0.52ms`.
// Thread-safe: one line is written whole, whatever thread writes it.
//
// Lines may be buffered as nginx's `access_log ... buffer=64k flush=1s` does: a write(2) per
// line costs a busy server about a sixth of its requests, so lines leave in batches, when the
// buffer is full or at most `flush` after they were written. None is lost when the process ends:
// exit (SIGTERM and SIGINT stop the server, then the process exits), std::terminate and a fatal
// signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT) write what is pending first. Only SIGKILL
// loses it.

#include <fmt/format.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <string_view>

namespace parity::log {

enum class Level { debug, info, warning, error, off };

void set_level(Level level);
bool enabled(Level level);
void write(Level level, std::string_view channel, std::string_view message);

// Where whole lines go: stderr, unless a sink is set (the tests read what was logged). An empty
// sink puts stderr back. The sink is called under the log's lock, one line at a time.
using Sink = std::function<void(std::string_view line)>;
void set_sink(Sink sink);

struct Buffering {
  std::size_t size = 64 * 1024;           // 0: unbuffered, a write per line
  std::chrono::milliseconds flush{1000};  // the longest a line waits
  int fd = 2;                             // where lines go (stderr)
};
// Starts buffering (or changes it). Call it in the process that logs: after a fork(), the
// child has no flusher thread, so it calls this itself.
void set_buffering(const Buffering& buffering);
// Writes what is pending now.
void flush();

// Parses "debug", "info", "warning", "error", "off"; throws std::invalid_argument otherwise.
Level parse_level(std::string_view name);

template <class... Args>
void debug(std::string_view channel, fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::debug))
    write(Level::debug, channel, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void info(std::string_view channel, fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::info))
    write(Level::info, channel, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void warning(std::string_view channel, fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::warning))
    write(Level::warning, channel, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void error(std::string_view channel, fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::error))
    write(Level::error, channel, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace parity::log
