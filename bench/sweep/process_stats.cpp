#include "bench/sweep/process_stats.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <unistd.h>

namespace parity::sweep {
namespace {

std::size_t status_kib(const std::string& status, const std::string& key) {
  auto at = status.find(key + ":");
  if (at == std::string::npos) return 0;
  return std::stoull(status.substr(at + key.size() + 1)) * 1024;
}

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("the process is gone (no " + path.string() + ")");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

ProcessStats read_process_stats(pid_t pid) {
  const std::filesystem::path proc = "/proc/" + std::to_string(pid);
  ProcessStats stats;
  // stat's 14th and 15th fields, utime and stime in clock ticks; the name (2nd) may hold spaces,
  // so count from its closing parenthesis.
  std::string stat = read_all(proc / "stat");
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  stats.cpu_seconds =
      static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  std::string status = read_all(proc / "status");
  stats.rss_bytes = status_kib(status, "VmRSS");
  stats.peak_rss_bytes = status_kib(status, "VmHWM");
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(proc / "fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    ++stats.open_files;
  return stats;
}

std::size_t ephemeral_ports() {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  std::size_t low = 0, high = 0;
  if (in >> low >> high && high > low) return high - low + 1;
  return 28232;
}

}  // namespace parity::sweep
