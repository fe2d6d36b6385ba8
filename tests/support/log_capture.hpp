#pragma once
// Keeps every log line written while it lives, for tests that assert what was logged.

#include "common/log/log.hpp"

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace parity::test {

class LogCapture {
 public:
  LogCapture() {
    log::set_sink([this](std::string_view line) {
      std::lock_guard lock(mutex_);
      lines_.emplace_back(line);
    });
  }
  ~LogCapture() { log::set_sink({}); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::vector<std::string> containing(const std::string& text) {
    std::lock_guard lock(mutex_);
    std::vector<std::string> found;
    for (const auto& line : lines_)
      if (line.find(text) != std::string::npos) found.push_back(line);
    return found;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

}  // namespace parity::test
