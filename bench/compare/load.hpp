#pragma once
// One load on one URL with the chosen tool: Parity's own siege (in this process, every request
// recorded), or Debian's siege or wrk (run as programs, their output parsed).

#include "bench/siege/stats.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace parity::compare {

struct Load {
  std::string url;
  unsigned concurrency = 100;
  std::chrono::milliseconds duration{3000};
  bool keep_alive = false;  // parity only: siege follows its siegerc, wrk always keeps alive
};

struct Measured {
  siege::Summary summary;
  bool has_p99 = true;
  std::vector<siege::Record> requests;  // parity only
};

// tool: parity, siege or wrk. Throws std::runtime_error when the tool is missing or fails.
Measured measure(const std::string& tool, const Load& load);

// The external tools' outputs, parsed (siege -j's JSON; wrk --latency's text).
Measured parse_siege_output(const std::string& output);
Measured parse_wrk_output(const std::string& output);

}  // namespace parity::compare
