#pragma once
// The peers of bench/peers/: the tutorials' service in Tornado, Go, Rust, Node.js and aiohttp,
// measured as rows beside Parity's styles by `parity compare --peer` and `parity sweep --peer`.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parity::compare {

// Every peer `--peer` accepts.
inline constexpr std::string_view kPeers[] = {"tornado", "go", "rust", "node", "aiohttp"};

// The Tornado peer's styles: it has no Future style of its own (its callback style is Futures).
inline constexpr std::string_view kTornadoStyles[] = {"sync", "callback", "coroutine",
                                                      "threadpool"};

// Go, Rust, Node.js and aiohttp are each one style, their language's own: their rows are labelled
// with the peer's name, their paths have no style (/fetch, /hello, /sleep), and they have no cap
// on upstream calls in flight (each ignores --max-clients).
bool is_single_style_peer(std::string_view name);

// A peer's styles to measure, given the run's --styles: Tornado's that are asked for; the peer's
// name for the others, always.
std::vector<std::string> peer_styles(std::string_view peer, const std::vector<std::string>& styles);

// A peer that cannot run on this machine: what() says why and what to do, in one sentence.
struct PeerUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// How to start `peer` on a free port with the upstream at `upstream_url`; every peer prints
// "listening on PORT" once ready, and runs its handlers on one thread, as Parity's server does
// here. `tornado_script` is Tornado's server.py (--peer-script). Throws PeerUnavailable when its
// package is missing or it is not built, std::invalid_argument for a name not in kPeers.
std::vector<std::string> peer_argv(std::string_view peer, const std::string& tornado_script,
                                   const std::string& upstream_url, std::size_t max_clients,
                                   unsigned pool);

// Why each of `peers` cannot run here (peer, reason), asked once before a run: their rows are
// then skipped, not started one by one.
std::vector<std::pair<std::string, std::string>> unavailable_peers(
    const std::vector<std::string>& peers, const std::string& tornado_script);

}  // namespace parity::compare
