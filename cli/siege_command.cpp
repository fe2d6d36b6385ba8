// `parity siege`: siege's options and summary over the core client. See bench/siege/.

#include "bench/siege/options.hpp"
#include "bench/siege/runner.hpp"
#include "cli/commands.hpp"
#include "cli/units.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>

namespace parity::cli {
namespace {

struct SiegeSettings {
  siege::Options options;
  std::vector<std::string> urls;
  std::string urls_file;
};

int run_siege(SiegeSettings& s) {
  siege::finish_options(s.options, s.urls, s.urls_file);
  const auto& o = s.options;
  std::ofstream log;
  if (!o.log_file.empty()) {
    log.open(o.log_file);
    if (!log) throw std::runtime_error("cannot write " + o.log_file);
    log << siege::csv_header(o.rate.has_value());
  }
  siege::RunHooks hooks;
  hooks.stop_on_signals = true;
  hooks.on_record = [&](const siege::Record& record) {
    if (o.verbose) std::fputs(siege::format_verbose_line(record).c_str(), stdout);
    if (log) log << siege::csv_line(record, o.rate.has_value());
  };
  std::fprintf(stderr, "** Parity siege\n** Preparing %u concurrent users for battle.\n",
               o.concurrency);
  std::fprintf(stderr, "The server is now under siege (%s, %s%s)...\n",
               o.time ? ("for " + format_duration(*o.time)).c_str()
                      : fmt::format("{} reps per user", *o.reps).c_str(),
               o.keep_alive ? "keep-alive" : "a new connection per request",
               o.rate ? fmt::format(", {} req/sec due, an open loop", *o.rate).c_str() : "");
  auto result = siege::run(o, hooks);
  std::fprintf(stderr, "\nLifting the server siege...%s\n",
               result.interrupted ? " (interrupted)" : "");
  auto summary = siege::summarize(result.records, result.elapsed, o.rate, result.unfinished);
  std::fputs((o.json ? siege::format_json(summary) : siege::format_summary(summary)).c_str(),
             stdout);
  // The JSON stays JSON: the one line saying the rate was not reached goes to stderr there.
  if (auto shortfall = siege::rate_shortfall(summary); o.json && !shortfall.empty())
    std::fprintf(stderr, "%s\n", shortfall.c_str());
  if (log) std::fprintf(stderr, "Per-request log: %s\n", o.log_file.c_str());
  return 0;
}

}  // namespace

Command add_siege_command(CLI::App& app) {
  auto s = std::make_shared<SiegeSettings>();
  auto* command = app.add_subcommand(
      "siege", "Load a URL as siege does: concurrent users, a summary in siege's terms");
  command->footer(
      "Examples:\n"
      "  parity siege http://127.0.0.1:8000/coroutine/fetch -c100 -t3s\n"
      "  parity siege -b -c50 -t10s --no-keepalive http://127.0.0.1:8000/sync/hello\n"
      "  parity siege -f urls.txt -r 20 --json --log requests.csv\n"
      "Stops by itself: at -t, after -r requests per user, or on Ctrl-C (neither -t nor -r: 30s).");
  siege::add_options(*command, s->options, s->urls, s->urls_file);
  return [s] { return run_siege(*s); };
}

}  // namespace parity::cli
