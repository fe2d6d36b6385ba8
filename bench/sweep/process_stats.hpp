#pragma once
// What a running process costs, read from /proc: CPU time, resident memory (now and at its
// peak) and open files. The sweep reads a server's figures from outside, as `ps` would, so
// the load generator's own costs never count.

#include <cstddef>

#include <sys/types.h>

namespace parity::sweep {

struct ProcessStats {
  double cpu_seconds = 0;          // user + system, all threads (/proc/PID/stat)
  std::size_t rss_bytes = 0;       // VmRSS
  std::size_t peak_rss_bytes = 0;  // VmHWM: the most it has been resident
  std::size_t open_files = 0;      // entries in /proc/PID/fd
};

// Throws std::runtime_error if the process is gone.
ProcessStats read_process_stats(pid_t pid);

// How many local ports a connection can take (net.ipv4.ip_local_port_range), 28232 if unknown.
std::size_t ephemeral_ports();

}  // namespace parity::sweep
