#include "bench/compare/compare.hpp"

#include "bench/compare/load.hpp"
#include "tools/process/process.hpp"
#include "bench/floor/floor.hpp"
#include "app/service_thread.hpp"
#include "common/loop/trace.hpp"
#include "upstream/upstream.hpp"

#include <fmt/format.h>

#include <memory>
#include <optional>

namespace parity::compare {

std::string describe(const Settings& s) {
  const auto& p = s.profile;
  auto load = s.rate ? fmt::format("{:g} requests/sec on {} connections (an open loop)", *s.rate,
                                   p.concurrency)
                    : fmt::format("{} users", p.concurrency);
  return fmt::format(
      "Profile {}: {} for {:.1f}s, upstream {}ms, client cap {}, pool {}, {} (tool: {})", p.name,
      load, std::chrono::duration<double>(p.duration).count(), p.latency.count(),
      p.max_clients == 0 ? std::string("none") : std::to_string(p.max_clients), s.pool,
      p.keep_alive ? "keep-alive" : "a new connection per request",
      s.tool == "parity" ? "parity siege" : s.tool);
}

std::vector<Row> run_comparison(const Settings& settings,
                                const std::function<void(const std::string&)>& progress) {
  const auto& profile = settings.profile;
  std::unique_ptr<upstream::EmbeddedUpstream> embedded_upstream;
  std::string upstream_url = settings.upstream_url;
  // Needed by every server this starts: ours, unless --server is given, and the peers.
  if (upstream_url.empty() && (settings.server_url.empty() || !settings.peers.empty())) {
    embedded_upstream =
        std::make_unique<upstream::EmbeddedUpstream>(upstream::Options{.latency = profile.latency});
    upstream_url = embedded_upstream->url();
  }

  // The plan: per endpoint, the floor (hello only), each style, then each peer's styles.
  std::vector<Row> rows;
  for (const auto& endpoint : settings.endpoints) {
    if (endpoint == "hello" && settings.server_url.empty())
      rows.push_back({.implementation = "floor", .style = "floor", .endpoint = endpoint});
    for (const auto& style : settings.styles)
      rows.push_back({.implementation = "parity", .style = style, .endpoint = endpoint});
    for (const auto& peer : settings.peers)
      for (const auto& style : peer_styles(peer, settings.styles))
        rows.push_back({.implementation = peer, .style = style, .endpoint = endpoint});
  }

  // A peer that cannot run here is a row that says why, skipped without being started.
  const auto unavailable = unavailable_peers(settings.peers, settings.peer_script);
  auto why_unavailable = [&unavailable](const std::string& implementation) -> const std::string* {
    for (const auto& [peer, why] : unavailable)
      if (peer == implementation) return &why;
    return nullptr;
  };

  Load load{.concurrency = profile.concurrency,
            .duration = profile.duration,
            .keep_alive = profile.keep_alive,
            .rate = settings.rate};
  std::optional<bench::FloorThread> floor;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Row& row = rows[i];
    const std::string step =
        fmt::format("[{}/{}] {} /{}", i + 1, rows.size(), row.label(), row.endpoint);
    if (const std::string* why = why_unavailable(row.implementation)) {
      row.error = *why;
      row.skipped = true;
      progress(step + ": skipped: " + row.error);
      continue;
    }
    progress(step + " ...");
    try {
      // Before the server, so that it goes after it: the file is written once the server stopped.
      std::optional<watch::Trace> trace;
      std::unique_ptr<app::ServiceThread> server;
      // A peer is started afresh for each row, as our servers are: one row's backlog must not
      // slow the next.
      std::unique_ptr<ServerProcess> peer;
      const std::string path = path_of(row.style, row.endpoint, profile.latency);
      if (row.implementation == "floor") {
        if (!floor) floor.emplace();
        row.url = floor->url("/");
      } else if (row.implementation != "parity") {
        peer = std::make_unique<ServerProcess>(peer_argv(row.implementation, settings.peer_script,
                                                         upstream_url, settings.profile.max_clients,
                                                         settings.pool));
        row.url = peer->url(path);
      } else if (!settings.server_url.empty()) {
        row.url = settings.server_url + path;
      } else {
        if (!settings.trace_dir.empty()) {
          trace.emplace(fmt::format("{}/{}-{}.json", settings.trace_dir, row.style, row.endpoint));
          progress(fmt::format("{}: tracing the server into {}", step, trace->path()));
        }
        server = std::make_unique<app::ServiceThread>(
            app::ServiceOptions{.upstream_url = upstream_url,
                                .max_clients = settings.profile.max_clients,
                                .pool = settings.pool});
        row.url = server->url(path);
      }
      load.url = row.url;
      auto measured = measure(settings.tool, load);
      row.summary = measured.summary;
      row.has_p99 = measured.has_p99;
      row.requests = std::move(measured.requests);
      progress(fmt::format("{}: {:.2f} trans/sec", step, row.summary.transaction_rate));
    } catch (const std::exception& e) {
      row.error = e.what();
      progress(step + ": failed: " + row.error);
    }
  }
  derive_figures(rows, settings);
  return rows;
}

std::string format_table(const std::vector<Row>& rows, const Settings& settings) {
  std::string out = describe(settings) + "\n";
  out += fmt::format("{:<22} {:<9} {:>10} {:>9} {:>9} {:>9} {:>8} {:>8}  {}\n", "style", "endpoint",
                     "trans/sec", "mean ms", "p99 ms", "limit/s", "% limit", "x sync", "bound by");
  auto cell = [](double value, const char* format, bool known) {
    return known ? fmt::format(fmt::runtime(format), value) : std::string("-");
  };
  for (const auto& row : rows) {
    if (!row.error.empty()) {
      out += fmt::format("{:<22} {:<9} {}: {}\n", row.label(), row.endpoint,
                         row.skipped ? "skipped" : "failed", row.error);
      continue;
    }
    const auto& s = row.summary;
    out +=
        fmt::format("{:<22} {:<9} {:>10.2f} {:>9} {:>9} {:>9} {:>8} {:>8}  {}\n", row.label(),
                    row.endpoint, s.transaction_rate, cell(s.response_time * 1000, "{:.1f}", true),
                    cell(s.latency_p99() * 1000, "{:.1f}", row.has_p99),
                    cell(row.limit.rate, "{:.0f}", row.limit.rate > 0),
                    cell(row.percent_of_limit, "{:.0f}%", row.limit.rate > 0),
                    cell(row.ratio_to_sync, "{:.1f}x", row.ratio_to_sync > 0),
                    row.limit.bound_by.empty() ? "-" : row.limit.bound_by);
  }
  if (settings.rate) {
    out += fmt::format(
        "At {:g} requests/sec, p99 counts from when each request was due, its wait for a "
        "connection included (corrected for coordinated omission); trans/sec is what was "
        "answered.\n",
        *settings.rate);
  }
  // No note about the generator any more: kept alive, parity siege sends 91-102% of what wrk
  // does against the floor (bench/run.sh generator), so a /hello row's ratio is the style's.
  return out;
}

}  // namespace parity::compare
