#include "tools/process/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>

namespace parity::compare {
namespace {

// Starts argv with stdout (and stderr if `merge_stderr`) on a new pipe; returns the pid and the
// pipe's read end. The child gets SIGTERM if this thread exits first (PR_SET_PDEATHSIG), so a
// server it started (nginx, a peer) never outlives a `parity` that was killed.
std::pair<pid_t, int> spawn_with_pipe(const std::vector<std::string>& argv, bool merge_stderr) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category());
  int exec_failed[2];  // the child writes errno here if exec fails; closed by a successful exec
  if (::pipe2(exec_failed, O_CLOEXEC) != 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    throw std::system_error(errno, std::generic_category());
  }
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0) {  // the child: only async-signal-safe calls until exec
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);  // the parent is already gone
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    if (merge_stderr) ::dup2(pipe_fds[1], STDERR_FILENO);
    ::execvp(args[0], args.data());
    int error = errno;
    [[maybe_unused]] auto written = ::write(exec_failed[1], &error, sizeof error);
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  ::close(exec_failed[1]);
  int error = pid < 0 ? errno : 0;
  if (pid > 0 && ::read(exec_failed[0], &error, sizeof error) != sizeof error) error = 0;
  ::close(exec_failed[0]);
  if (error != 0) {
    ::close(pipe_fds[0]);
    if (pid > 0) ::waitpid(pid, nullptr, 0);
    throw std::system_error(error, std::generic_category(), "cannot start " + argv[0]);
  }
  return {pid, pipe_fds[0]};
}

int wait_for_exit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

Finished run_program(const std::vector<std::string>& argv, std::chrono::milliseconds time_limit) {
  auto [pid, fd] = spawn_with_pipe(argv, true);
  Finished finished;
  const auto deadline = std::chrono::steady_clock::now() + time_limit;
  char buffer[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd ready{.fd = fd, .events = POLLIN, .revents = 0};
    int polled = left.count() > 0 ? ::poll(&ready, 1, static_cast<int>(left.count())) : 0;
    if (polled < 0 && errno == EINTR) continue;
    if (polled == 0) {  // time is up: its output so far is all we get
      ::kill(pid, SIGKILL);
      finished.timed_out = true;
      break;
    }
    auto n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    finished.output.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  finished.exit_code = wait_for_exit(pid);
  return finished;
}

bool program_exists(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (::access((dir + "/" + name).c_str(), X_OK) == 0) return true;
  }
  return false;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv) {
  // Its stderr stays ours, so its errors show; its stdout is read only by read_line().
  std::tie(pid_, stdout_) = spawn_with_pipe(argv, false);
}

ChildProcess::~ChildProcess() {
  if (stdout_ >= 0) ::close(stdout_);
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  wait_for_exit(pid_);
}

int ChildProcess::stop(int signal, std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, signal);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  pid_t done = 0;
  while ((done = ::waitpid(pid_, &status, WNOHANG)) == 0 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (done != pid_) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string ChildProcess::read_line(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto newline = pending_.find('\n'); newline != std::string::npos) {
      std::string line = pending_.substr(0, newline);
      pending_.erase(0, newline + 1);
      return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd poll_fd{stdout_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&poll_fd, 1, static_cast<int>(left.count())) == 0)
      throw std::runtime_error("no answer in time; it printed: " + pending_);
    char buffer[4096];
    auto n = ::read(stdout_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("it exited; it printed: " + pending_);
    pending_.append(buffer, static_cast<std::size_t>(n));
  }
}

ServerProcess::ServerProcess(const std::vector<std::string>& argv,
                             std::chrono::milliseconds timeout)
    : process_(argv) {
  const std::string line = process_.read_line(timeout);
  for (std::string_view banner : {"Parity serving on http://127.0.0.1:", "listening on "}) {
    if (!line.starts_with(banner)) continue;
    port_ = static_cast<unsigned short>(std::stoi(line.substr(banner.size())));
    return;
  }
  throw std::runtime_error("the server said: " + line);
}

std::string ServerProcess::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

}  // namespace parity::compare
