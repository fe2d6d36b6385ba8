#include "bench/compare/peers.hpp"

#include "tools/data/data.hpp"
#include "tools/process/process.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <system_error>

#include <unistd.h>

namespace parity::compare {
namespace {

// A peer bench/peers/build.sh compiles: its program (in the checkout, also when this `parity` is
// an installed one: the build is not installed), or why it cannot run.
std::string built(std::string_view peer, const char* relative, const char* packages) {
  for (const auto& program : {data::find(relative), data::source_dir() / relative})
    if (::access(program.c_str(), X_OK) == 0) return program.string();
  throw PeerUnavailable(
      fmt::format("{} is not built: run bench/peers/build.sh in Parity's checkout (it needs {})",
                  peer, packages));
}

// Whether /usr/bin/python3 can import `module`.
bool python_has(const std::string& module) {
  try {
    return run_program({"/usr/bin/python3", "-c", "import " + module}, std::chrono::seconds(20))
               .exit_code == 0;
  } catch (const std::system_error&) {
    return false;  // no python3 at all
  }
}

PeerUnavailable not_installed(std::string_view peer, const char* package) {
  return PeerUnavailable(fmt::format("{} cannot run: {} is not installed (apt-get install {})",
                                     peer, package, package));
}

}  // namespace

bool is_single_style_peer(std::string_view name) {
  return name == "go" || name == "rust" || name == "node" || name == "aiohttp";
}

std::vector<std::string> peer_styles(std::string_view peer,
                                     const std::vector<std::string>& styles) {
  if (is_single_style_peer(peer)) return {std::string(peer)};
  std::vector<std::string> chosen;
  for (auto style : kTornadoStyles)
    if (std::find(styles.begin(), styles.end(), style) != styles.end()) chosen.emplace_back(style);
  return chosen;
}

std::vector<std::string> peer_argv(std::string_view peer, const std::string& tornado_script,
                                   const std::string& upstream_url, std::size_t max_clients,
                                   unsigned pool) {
  std::vector<std::string> argv;
  if (peer == "tornado") {
    if (!python_has("tornado")) throw not_installed(peer, "python3-tornado");
    argv = {"/usr/bin/python3", tornado_script};
  } else if (peer == "go") {
    // One thread runs goroutines, as Parity's server runs one loop thread (--threads 1).
    argv = {"/usr/bin/env", "GOMAXPROCS=1",
            built(peer, "bench/peers/go/build/server", "golang-go")};
  } else if (peer == "rust") {
    argv = {"/usr/bin/env", "TOKIO_WORKER_THREADS=1",
            built(peer, "bench/peers/rust/target/release/server",
                  "cargo, rustc, librust-tokio-dev and librust-hyper-dev")};
  } else if (peer == "node") {
    if (!program_exists("node")) throw not_installed(peer, "nodejs");
    argv = {"node", data::find("bench/peers/node/server.js").string()};
  } else if (peer == "aiohttp") {
    if (!python_has("aiohttp")) throw not_installed(peer, "python3-aiohttp");
    argv = {"/usr/bin/python3", data::find("bench/peers/aiohttp/server.py").string()};
  } else {
    throw std::invalid_argument(fmt::format("no peer is called {}", peer));
  }
  // Every peer takes Tornado's command line; the single-style ones ignore the cap and the pool.
  argv.insert(argv.end(), {"--upstream", upstream_url, "--max-clients", std::to_string(max_clients),
                           "--pool", std::to_string(pool)});
  return argv;
}

std::vector<std::pair<std::string, std::string>> unavailable_peers(
    const std::vector<std::string>& peers, const std::string& tornado_script) {
  std::vector<std::pair<std::string, std::string>> unavailable;
  for (const auto& peer : peers) {
    try {
      peer_argv(peer, tornado_script, "http://127.0.0.1:1", 0, 1);
    } catch (const PeerUnavailable& e) {
      unavailable.emplace_back(peer, e.what());
    }
  }
  return unavailable;
}

}  // namespace parity::compare
