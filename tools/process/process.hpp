#pragma once
// Other programs `parity compare` runs: siege and wrk to completion (their output parsed), and a
// server (`parity serve`, a peer) for the length of a run.

#include <chrono>
#include <string>
#include <vector>

#include <sys/types.h>

namespace parity::compare {

struct Finished {
  int exit_code = -1;
  std::string output;      // stdout and stderr, interleaved
  bool timed_out = false;  // still running at the time limit, so killed (exit_code 128 + 9)
};

// Runs `argv` (argv[0] looked up in PATH) and waits, at most `time_limit`: then it is killed
// (SIGKILL) and what it printed so far returned. Throws std::system_error if it cannot start.
Finished run_program(const std::vector<std::string>& argv, std::chrono::milliseconds time_limit);

bool program_exists(const std::string& name);  // an executable `name` in PATH

// A program running until destroyed (SIGTERM, then SIGKILL after a second).
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The next line of its stdout; throws std::runtime_error on timeout or if it exits first, with
  // what it printed.
  std::string read_line(std::chrono::milliseconds timeout);

  pid_t pid() const { return pid_; }

  // Sends `signal` and waits for the exit, at most `timeout` (then SIGKILL). Returns the exit
  // code, or 128 + the signal that ended it.
  int stop(int signal, std::chrono::milliseconds timeout = std::chrono::seconds(15));

 private:
  pid_t pid_ = -1;
  int stdout_ = -1;
  std::string pending_;
};

// A server run as a child for a while, its port read from the first line it prints: `parity
// serve`'s banner ("Parity serving on http://127.0.0.1:PORT (...)") or a peer's ("listening on
// PORT"). Throws std::runtime_error with what it said otherwise.
class ServerProcess {
 public:
  explicit ServerProcess(const std::vector<std::string>& argv,
                         std::chrono::milliseconds timeout = std::chrono::seconds(20));

  unsigned short port() const { return port_; }
  std::string url(const std::string& path) const;  // http://127.0.0.1:PORT/path
  pid_t pid() const { return process_.pid(); }
  int stop(int signal) { return process_.stop(signal); }

 private:
  ChildProcess process_;
  unsigned short port_ = 0;
};

}  // namespace parity::compare
