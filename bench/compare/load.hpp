#pragma once
// One load on one URL with the chosen tool: Parity's own siege (in this process, every request
// recorded), or Debian's siege or wrk (run as programs, their output parsed).

#include "bench/siege/stats.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace parity::compare {

struct Load {
  std::string url;
  unsigned concurrency = 100;
  std::chrono::milliseconds duration{3000};
  bool keep_alive = false;  // parity only: siege follows its siegerc, wrk always keeps alive
  // parity only: an open loop at this many requests per second, `concurrency` connections
  // carrying them; the summary's `corrected` latencies count from when each request was due.
  std::optional<double> rate;
};

struct Measured {
  siege::Summary summary;
  bool has_p99 = true;
  std::vector<siege::Record> requests;  // parity only
};

// tool: parity, siege or wrk. Throws std::runtime_error when the tool is missing or fails, or
// when a rate is asked of siege or wrk (they have no open loop).
Measured measure(const std::string& tool, const Load& load);

// The external tools' outputs, parsed (siege -j's JSON; wrk --latency's text).
Measured parse_siege_output(const std::string& output);
Measured parse_wrk_output(const std::string& output);

}  // namespace parity::compare
