#include "bench/compare/peers.hpp"

#include "tools/data/data.hpp"
#include "tools/process/process.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include <unistd.h>

namespace parity::compare {
namespace {

// A peer bench/peers/build.sh compiles: its program, or why it cannot run.
std::string built(std::string_view peer, const char* relative, const char* packages) {
  auto program = data::find(relative);
  if (::access(program.c_str(), X_OK) != 0)
    throw PeerUnavailable(fmt::format(
        "{} is not built: run bench/peers/build.sh in Parity's checkout (it needs {})", peer,
        packages));
  return program.string();
}

// A peer that is a script: its path, once its interpreter can load `module`.
std::string script(std::string_view peer, const char* relative, const std::string& check,
                   const char* package) {
  bool runs = check.empty() ? program_exists("node")
                            : run_program({"/usr/bin/python3", "-c", "import " + check},
                                          std::chrono::seconds(20))
                                      .exit_code == 0;
  if (!runs)
    throw PeerUnavailable(
        fmt::format("{} cannot run: {} is not installed (apt-get install {})", peer, package,
                    package));
  return data::find(relative).string();
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
    if (std::find(styles.begin(), styles.end(), style) != styles.end())
      chosen.emplace_back(style);
  return chosen;
}

std::vector<std::string> peer_argv(std::string_view peer, const std::string& tornado_script,
                                   const std::string& upstream_url, std::size_t max_clients,
                                   unsigned pool) {
  std::vector<std::string> argv;
  if (peer == "tornado") {
    argv = {"/usr/bin/python3", tornado_script};
  } else if (peer == "go") {
    argv = {built(peer, "bench/peers/go/build/server", "golang-go")};
  } else if (peer == "rust") {
    argv = {built(peer, "bench/peers/rust/target/release/server",
                  "cargo, librust-tokio-dev and librust-hyper-dev")};
  } else if (peer == "node") {
    argv = {"node", script(peer, "bench/peers/node/server.js", "", "nodejs")};
  } else if (peer == "aiohttp") {
    argv = {"/usr/bin/python3",
            script(peer, "bench/peers/aiohttp/server.py", "aiohttp", "python3-aiohttp")};
  } else {
    throw PeerUnavailable(fmt::format("no peer is called {}", peer));
  }
  // Every peer takes Tornado's command line; the single-style ones ignore the cap and the pool.
  argv.insert(argv.end(), {"--upstream", upstream_url, "--max-clients",
                           std::to_string(max_clients), "--pool", std::to_string(pool)});
  return argv;
}

}  // namespace parity::compare
