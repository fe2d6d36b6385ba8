#pragma once
// Runs a siege: `concurrency` users, each a coroutine sending one request after another until
// the time limit, their reps, or Ctrl-C: on a kept-alive connection of its own (connection.hpp),
// or through the core client when each request has a new connection. Itself a worked example of
// the coroutine style: the run is `co_await (users || time_limit || interrupted)`.

#include "bench/siege/options.hpp"
#include "bench/siege/stats.hpp"

#include <cstdint>
#include <functional>
#include <vector>

namespace parity::siege {

struct RunResult {
  std::vector<Record> records;  // in the order they completed
  double elapsed = 0;           // seconds, from the start to the stop (-t, a signal, the last rep)
  bool interrupted = false;     // stopped by SIGINT/SIGTERM
  std::uint64_t unfinished = 0;  // sent, but still in flight when the run ended: not recorded
};

struct RunHooks {
  std::function<void(const Record&)> on_record;  // on the run's thread, as each one completes
  bool stop_on_signals = false;                  // SIGINT/SIGTERM end the run with a summary
};

// --rate's schedule: request k (from 0) is due k / rate seconds after the run starts, whenever a
// connection is free to send it; a request that waits for one has its wait counted.
inline double due_at(std::uint64_t k, double rate) {
  return static_cast<double>(k) / rate;
}

// Blocks until the run is over. Requests still in flight when the time is up are abandoned and
// not counted, as siege does.
RunResult run(const Options& options, const RunHooks& hooks = {});

}  // namespace parity::siege
