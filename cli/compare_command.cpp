// `parity compare`: every style side by side. See bench/compare/.

#include "bench/compare/compare.hpp"
#include "bench/compare/report.hpp"
#include "bench/siege/options.hpp"
#include "cli/commands.hpp"
#include "cli/units.hpp"
#include "app/service.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <system_error>

namespace parity::cli {
namespace {

struct CompareSettings {
  compare::Settings compare;
  std::string profile = "seed";
  // Set only when given, to override the profile's value.
  std::optional<unsigned> concurrency;
  std::chrono::milliseconds time{0}, latency{0};
  std::optional<std::size_t> max_clients;
  std::optional<bool> keep_alive;
};

CLI::Validator one_of_each(std::vector<std::string> allowed) {
  return CLI::Validator(
      [allowed](std::string& item) -> std::string {
        if (std::find(allowed.begin(), allowed.end(), item) != allowed.end()) return {};
        return fmt::format("{} is not one of: {}", item, fmt::join(allowed, ", "));
      },
      "");
}

int run_compare(CompareSettings& s, CLI::App& command) {
  auto& c = s.compare;
  c.profile = *compare::find_profile(s.profile);
  if (s.concurrency) c.profile.concurrency = *s.concurrency;
  if (command.count("--time")) c.profile.duration = s.time;
  if (command.count("--latency")) c.profile.latency = s.latency;
  if (s.max_clients) c.profile.max_clients = *s.max_clients;
  if (s.keep_alive) c.profile.keep_alive = *s.keep_alive;
  if (c.profile.duration.count() <= 0) throw CLI::ValidationError("--time", "must be more than 0");
  if (c.profile.latency.count() <= 0)
    throw CLI::ValidationError("--latency", "must be more than 0");
  if (c.rate) {
    if (auto refusal = siege::rate_refusal(*c.rate); !refusal.empty())
      throw CLI::ValidationError("--rate", refusal);
    if (c.tool != "parity")
      throw CLI::ValidationError("--rate", c.tool + " has no open loop: use --tool parity");
  }
  if (!c.trace_dir.empty()) {
    if (!c.server_url.empty())
      throw CLI::ValidationError("--trace", "traces the servers compare starts: leave out --server");
    std::error_code error;
    std::filesystem::create_directories(c.trace_dir, error);
    if (error)
      throw CLI::ValidationError("--trace", "cannot make " + c.trace_dir + ": " + error.message());
  }

  std::fprintf(stderr, "%s\n", compare::describe(c).c_str());
  auto rows = compare::run_comparison(
      c, [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); });
  std::fputs(("\n" + compare::format_table(rows, c)).c_str(), stdout);
  if (!c.report_dir.empty()) {
    auto html = compare::write_report(c.report_dir, rows, c);
    std::printf("Report: %s (and results.json, results.csv beside it)\n", html.c_str());
  }
  std::fflush(stdout);
  // A peer that cannot run here is not a failure: its row said why.
  bool any_failed = std::any_of(rows.begin(), rows.end(),
                                [](const auto& row) { return !row.error.empty() && !row.skipped; });
  return any_failed ? 1 : 0;
}

}  // namespace

Command add_compare_command(CLI::App& app) {
  auto s = std::make_shared<CompareSettings>();
  auto& c = s->compare;
  auto* command = app.add_subcommand(
      "compare", "Measure every style side by side against Little's-law limits, with a report");
  command->footer(
      "Profiles:\n"
      "  seed       " +
      compare::seed_profile().about + "\n" + "  unleashed  " + compare::unleashed_profile().about +
      "\n" +
      "Options after --profile override its values. Each row gets a fresh server.\n"
      "Examples:\n"
      "  parity compare --profile seed --report report\n"
      "  parity compare --profile unleashed --endpoints hello,fetch --peer tornado\n"
      "  parity compare --profile unleashed --endpoints hello,fetch --peer go,rust,node,aiohttp\n"
      "  parity compare --tool siege --styles sync,coroutine -t 5s\n"
      "  parity compare --profile unleashed --endpoints sleep --rate 500 -c 200");
  command->add_option("--profile", s->profile, "seed or unleashed")
      ->check(CLI::IsMember({"seed", "unleashed"}))
      ->capture_default_str();
  std::vector<std::string> styles(app::kStyles.begin(), app::kStyles.end());
  command->add_option("--styles", c.styles, "Styles to measure, comma-separated")
      ->delimiter(',')
      ->check(one_of_each(styles))
      ->default_str(fmt::format("{}", fmt::join(styles, ",")));
  command->add_option("--endpoints", c.endpoints, "Endpoints: hello, fetch, sleep")
      ->delimiter(',')
      ->check(one_of_each({"hello", "fetch", "sleep"}))
      ->default_str("fetch");
  command
      ->add_option_function<unsigned>(
          "-c,--concurrent", [s](unsigned n) { s->concurrency = n; },
          "Concurrent users (default: the profile's, 100)")
      ->check(CLI::Range(1u, 100'000u));
  command->add_option("--rate", c.rate,
                      "An open loop: this many requests per second on each row, -c connections "
                      "carrying them; p99 then counts from when each request was due");
  add_duration_option(*command, "-t,--time", s->time,
                      "How long each row runs (default: the profile's, seed 3s, unleashed 5s)")
      ->default_str("");
  add_duration_option(*command, "--latency", s->latency,
                      "The upstream's latency, and /sleep's (default: the profile's, 100ms)")
      ->default_str("");
  command->add_option_function<std::size_t>(
      "--max-clients", [s](std::size_t n) { s->max_clients = n; },
      "The server's cap on upstream fetches in flight, 0 for none (default: seed 10, unleashed 0)");
  command->add_option("--pool", c.pool, "Threads of the threadpool style's pool")
      ->check(CLI::Range(1u, 1024u))
      ->capture_default_str();
  command->add_flag_callback(
      "--keep-alive", [s] { s->keep_alive = true; }, "The generator keeps connections alive");
  command->add_flag_callback(
      "--no-keepalive", [s] { s->keep_alive = false; }, "A new connection per request");
  command
      ->add_option(
          "--tool", c.tool,
          "The load generator: parity (parity siege), or Debian's siege (a new connection per "
          "request, its siegerc's default) or wrk (keep-alive)")
      ->check(CLI::IsMember({"parity", "siege", "wrk"}))
      ->capture_default_str();
  std::vector<std::string> peers(std::begin(compare::kPeers), std::end(compare::kPeers));
  command
      ->add_option("--peer", c.peers,
                   "Add peers' rows (bench/peers/): tornado, go, rust, node, aiohttp; go and rust "
                   "once bench/peers/build.sh built them")
      ->delimiter(',')
      ->check(one_of_each(peers));
  c.peer_script = compare::tornado_peer_script();
  command->add_option("--peer-script", c.peer_script, "The Tornado peer's server")
      ->check(CLI::ExistingFile)
      ->capture_default_str();
  command
      ->add_option("--report", c.report_dir,
                   "Write results.json, results.csv and report.html into DIR")
      ->type_name("DIR");
  command
      ->add_option("--trace", c.trace_dir,
                   "Trace each of our rows' server into DIR/STYLE-ENDPOINT.json (Chrome's Trace "
                   "Event Format: open it in Perfetto, ui.perfetto.dev)")
      ->type_name("DIR");
  command
      ->add_option("--server", c.server_url,
                   "Measure this running `parity serve` instead of starting one per row "
                   "(its settings should match the profile's)")
      ->type_name("URL");
  command
      ->add_option("--upstream", c.upstream_url,
                   "Use this upstream instead of starting one (its latency should match)")
      ->type_name("URL");
  return [s, command] { return run_compare(*s, *command); };
}

}  // namespace parity::cli
