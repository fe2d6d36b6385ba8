#include "common/log/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <stdexcept>
#include <string>

namespace parity::log {
namespace {

std::atomic<Level> g_level{Level::info};
std::mutex g_write_mutex;
Sink g_sink;  // guarded by g_write_mutex

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
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%y%m%d %H:%M:%S", &utc);
  std::string line = fmt::format("[{} {} {}] {}\n", letter(level), stamp, channel, message);
  std::lock_guard lock(g_write_mutex);
  if (g_sink) return g_sink(line);
  std::fwrite(line.data(), 1, line.size(), stderr);
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
