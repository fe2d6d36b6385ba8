#include "common/http/server/access_log.hpp"

#include "common/log/log.hpp"
#include "common/text/decimal.hpp"

#include <fmt/compile.h>

namespace parity::http {

void log_access(unsigned status, std::string_view method, std::string_view target,
                std::string_view peer, Clock::duration elapsed, const Timing* timing) {
  auto level = status < 400   ? log::Level::info
               : status < 500 ? log::Level::warning
                              : log::Level::error;
  if (!log::enabled(level)) return;
  fmt::memory_buffer line;  // on the stack: a line per request allocates nothing
  // Compiled once and written straight into the buffer, the milliseconds as integers (rounded to
  // hundredths, as {:.2f} would) written by hand: a format string parsed at run time, through a
  // back_inserter, with a double to print, cost more (bench/README.md has the figure).
  auto hundredths = [](Clock::duration d) {
    return (std::chrono::nanoseconds(d).count() + 5'000) / 10'000;
  };
  fmt::format_to(fmt::appender(line), FMT_COMPILE("{} {} {} ({}) "), status, method, target, peer);
  // The figures written by hand into one array, appended at once (text/decimal.hpp).
  char figures[4 * text::kMaxDecimal + 32];
  char* end = text::write_decimal(figures, hundredths(elapsed), 2);
  end = text::write_text(end, "ms");
  if (timing) {
    end = text::write_text(end, " (loop ");
    end = text::write_decimal(end, hundredths(timing->loop), 2);
    end = text::write_text(end, " wait ");
    end = text::write_decimal(end, hundredths(timing->wait), 2);
    end = text::write_text(end, " pool ");
    end = text::write_decimal(end, hundredths(timing->pool), 2);
    *end++ = ')';
  }
  line.append(figures, end);
  log::write(level, "access", std::string_view(line.data(), line.size()));
}

}  // namespace parity::http
