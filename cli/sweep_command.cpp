// `parity sweep`: how each style's rate, latency, CPU and memory grow with its users. See
// bench/sweep/.

#include "bench/compare/scenario.hpp"
#include "bench/sweep/report.hpp"
#include "bench/siege/options.hpp"
#include "bench/sweep/sweep.hpp"
#include "cli/commands.hpp"
#include "cli/units.hpp"
#include "app/service.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

namespace parity::cli {

Command add_sweep_command(CLI::App& app) {
  auto s = std::make_shared<sweep::Settings>();
  auto* command = app.add_subcommand(
      "sweep", "Measure each style from one user to thousands: rate, latency, CPU, memory");
  command->footer(
      "Each point gets a fresh `parity serve` (or peer) in a process of its own, so its CPU\n"
      "time and memory are read from /proc apart from the load's. Then, per async style and peer,\n"
      "the memory one waiting request costs: the server's RSS with --memory-requests asleep\n"
      "at once, less the same server idle, divided by their number.\n"
      "Examples:\n"
      "  parity sweep --report build/report/sweep\n"
      "  parity sweep --users 100,1000,4000 --styles coroutine --endpoints sleep --peer tornado\n"
      "  parity sweep --users 100,4000 --styles coroutine --endpoints sleep --peer go,node\n"
      "  parity sweep --tool wrk -t 5s\n"
      "  parity sweep --rates 10,100,1000,5000 --users 1000 --endpoints sleep --report r\n"
      "With --rates, each point is an open loop at that rate (parity siege --rate) on --users\n"
      "connections (default 1000), and its p99 counts from when each request was due.");
  command->add_option("--users", s->users, "Concurrent users at each point, comma-separated")
      ->delimiter(',')
      ->check(CLI::Range(1u, 50'000u))
      ->default_str("1,10,100,1000,4000");
  command
      ->add_option("--rates", s->rates,
                   "Requests per second at each point, comma-separated: an open loop, its p99 "
                   "from when each request was due (instead of a closed loop of --users)")
      ->delimiter(',');
  std::vector<std::string> styles(app::kStyles.begin(), app::kStyles.end());
  command->add_option("--styles", s->styles, "Styles to measure, comma-separated")
      ->delimiter(',')
      ->check(CLI::IsMember(styles))
      ->default_str(fmt::format("{}", fmt::join(styles, ",")));
  command->add_option("--endpoints", s->endpoints, "Endpoints: fetch (the upstream), sleep")
      ->delimiter(',')
      ->check(CLI::IsMember({"fetch", "sleep"}))
      ->default_str("fetch,sleep");
  command
      ->add_option("--peer", s->peers,
                   "Add peers' curves (bench/peers/): tornado, go, rust, node, aiohttp; go and "
                   "rust once bench/peers/build.sh built them")
      ->delimiter(',')
      ->check(CLI::IsMember(
          std::vector<std::string>(std::begin(compare::kPeers), std::end(compare::kPeers))));
  add_duration_option(*command, "-t,--time", s->duration, "How long each point runs")
      ->check(CLI::Range(100.0, 600'000.0, "from 100ms to 10m").description(""));
  add_duration_option(*command, "--latency", s->latency, "The upstream's latency, and /sleep's")
      ->check(CLI::Range(1.0, 10'000.0, "from 1ms to 10s").description(""));
  command
      ->add_option("--max-clients", s->max_clients,
                   "The server's cap on upstream fetches in flight (0: none)")
      ->capture_default_str();
  command->add_option("--pool", s->pool, "Threads of the threadpool style's pool")
      ->check(CLI::Range(1u, 1024u))
      ->capture_default_str();
  command->add_option("--tool", s->tool, "The load generator: parity (parity siege) or wrk")
      ->check(CLI::IsMember({"parity", "wrk"}))
      ->capture_default_str();
  command
      ->add_option("--memory-requests", s->memory_requests,
                   "Requests asleep at once for the memory per waiting request (0: skip it)")
      ->check(CLI::Range(0u, 50'000u))
      ->capture_default_str();
  s->peer_script = compare::tornado_peer_script();
  command->add_option("--peer-script", s->peer_script, "The Tornado peer's server")
      ->check(CLI::ExistingFile)
      ->capture_default_str();
  command
      ->add_option("--report", s->report_dir,
                   "Write sweep.json, sweep.csv and report.html (line charts) into DIR")
      ->type_name("DIR");
  return [s, command] {
    if (!s->rates.empty()) {
      for (double rate : s->rates)
        if (auto refusal = siege::rate_refusal(rate); !refusal.empty())
          throw CLI::ValidationError("--rates", refusal);
      if (s->tool != "parity")
        throw CLI::ValidationError("--rates", s->tool + " has no open loop: use --tool parity");
      if (command->count("--users") == 0)
        s->users = {sweep::kRateConnections};
      else if (s->users.size() != 1)
        throw CLI::ValidationError(
            "--users", "with --rates it is the connections at every point: give one number");
    }
    s->parity_path = std::filesystem::read_symlink("/proc/self/exe").string();
    std::fprintf(stderr, "%s\n", sweep::describe(*s).c_str());
    auto result = sweep::run_sweep(
        *s, [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); });
    std::fputs(("\n" + sweep::format_table(result, *s)).c_str(), stdout);
    if (!s->report_dir.empty()) {
      auto html = sweep::write_report(s->report_dir, result, *s);
      std::printf("Report: %s (and sweep.json, sweep.csv beside it)\n", html.c_str());
    }
    std::fflush(stdout);
    return sweep::any_failed(result) ? 1 : 0;
  };
}

}  // namespace parity::cli
