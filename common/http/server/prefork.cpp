#include "common/http/server/prefork.hpp"

#include "common/http/wire/types.hpp"
#include "common/log/log.hpp"

#include <boost/asio/ip/address.hpp>

#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <system_error>
#include <utility>

namespace parity::http {

int bind_listening_socket(std::string_view host, unsigned short port) {
  asio::io_context context;  // only to open the socket; gone before any fork
  tcp::acceptor acceptor(context);
  try {
    tcp::endpoint endpoint(asio::ip::make_address(host), port);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
  } catch (const boost::system::system_error& e) {
    throw std::system_error(e.code(), fmt::format("cannot listen on {}:{}", host, port));
  }
  return acceptor.release();
}

unsigned short local_port(int socket) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  ::getsockname(socket, reinterpret_cast<sockaddr*>(&address), &length);
  return ntohs(address.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&address)->sin6_port
                                             : reinterpret_cast<sockaddr_in*>(&address)->sin_port);
}

namespace {

pid_t start_child(unsigned index, const std::function<int(unsigned)>& child_main,
                  const sigset_t& original_mask) {
  pid_t pid = ::fork();
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (pid == 0) {
    // A supervisor that dies without passing SIGTERM on (killed, crashed) takes its children along.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    ::sigprocmask(SIG_SETMASK, &original_mask, nullptr);
    int code = 1;
    try {
      code = child_main(index);
    } catch (const std::exception& e) {
      log::error("prefork", "child {} failed: {}", index, e.what());
    }
    std::fflush(nullptr);
    log::flush();  // _exit runs no destructors, so the log's buffer is written here
    ::_exit(code);
  }
  return pid;
}

}  // namespace

int supervise_children(unsigned count, const std::function<int(unsigned)>& child_main,
                       unsigned max_restarts, std::vector<int> listening_sockets) {
  auto stop_listening = [&] {
    for (int socket : std::exchange(listening_sockets, {}))
      if (socket >= 0) ::close(socket);
  };
  // The parent waits for its signals synchronously: block them first, so none is lost between
  // forking and waiting, and let the children restore the usual mask.
  sigset_t watched, original;
  sigemptyset(&watched);
  sigaddset(&watched, SIGINT);
  sigaddset(&watched, SIGTERM);
  sigaddset(&watched, SIGCHLD);
  ::sigprocmask(SIG_BLOCK, &watched, &original);

  std::map<pid_t, unsigned> children;  // pid -> index
  for (unsigned i = 0; i < count; ++i) children.emplace(start_child(i, child_main, original), i);
  log::info("prefork", "started {} processes", count);

  bool stopping = false;
  unsigned restarts = 0;
  int result = 0;
  while (!children.empty()) {
    int signal_number = ::sigwaitinfo(&watched, nullptr);
    if (signal_number == SIGINT || signal_number == SIGTERM) {
      if (!stopping) log::info("prefork", "stopping {} processes", children.size());
      stopping = true;
      stop_listening();
      for (const auto& [pid, index] : children) ::kill(pid, SIGTERM);
      continue;
    }
    int status = 0;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
      auto found = children.find(pid);
      if (found == children.end()) continue;
      unsigned index = found->second;
      children.erase(found);
      bool crashed = WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0);
      if (!crashed || stopping) continue;
      if (WIFSIGNALED(status)) {
        log::warning("prefork", "child {} (pid {}) killed by signal {}", index, pid,
                     WTERMSIG(status));
      } else {
        log::warning("prefork", "child {} (pid {}) exited with status {}", index, pid,
                     WEXITSTATUS(status));
      }
      if (restarts == max_restarts) {
        log::error("prefork", "too many restarts ({}): stopping", max_restarts);
        result = 1;
        stopping = true;
        stop_listening();
        for (const auto& [other, ignored] : children) ::kill(other, SIGTERM);
        continue;
      }
      ++restarts;
      pid_t fresh = start_child(index, child_main, original);
      children.emplace(fresh, index);
      log::info("prefork", "restarted child {} as pid {}", index, fresh);
    }
  }
  stop_listening();
  ::sigprocmask(SIG_SETMASK, &original, nullptr);
  return result;
}

}  // namespace parity::http
