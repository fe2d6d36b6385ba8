#pragma once
// `--processes N`, as Tornado's server.start(N): bind once in the parent, fork N children that
// accept on the same socket, restart a child that crashes, and stop them all on SIGINT/SIGTERM.
// Call before any thread or loop exists in the parent: fork() copies only the calling thread.

#include <functional>
#include <string_view>
#include <vector>

namespace parity::http {

// Opens, binds and listens on host:port; returns the descriptor. Throws std::system_error.
int bind_listening_socket(std::string_view host, unsigned short port);

// The port a socket is bound to (the one picked for port 0).
unsigned short local_port(int socket);

// Runs child_main(index) in `count` child processes (index 0..count-1), each process exiting
// with what child_main returns. A child that dies by a signal or exits non-zero is started
// again, at most `max_restarts` times in all. SIGINT or SIGTERM to the parent is passed on to
// every child, and the parent closes its copies of `listening_sockets` then: a listening socket
// lives while any process holds it, so new clients would otherwise be accepted into a backlog
// that no one serves any more, and reset later, instead of being refused at once. Returns 0 when
// all children have exited after such a signal (or of themselves with 0), 1 if restarts ran out.
int supervise_children(unsigned count, const std::function<int(unsigned index)>& child_main,
                       unsigned max_restarts = 100, std::vector<int> listening_sockets = {});

}  // namespace parity::http
