#include "bench/compare/scenario.hpp"

#include "tools/data/data.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace parity::compare {

Profile seed_profile() {
  return {.name = "seed",
          .concurrency = 100,
          .duration = std::chrono::seconds(3),
          .latency = std::chrono::milliseconds(100),
          .max_clients = 10,
          .keep_alive = false,
          .about =
              "the tutorials' siege -c100 -t3s: 100 ms upstream, client capped at 10 "
              "fetches in flight, a new connection per request"};
}

Profile unleashed_profile() {
  Profile p = seed_profile();
  p.name = "unleashed";
  p.max_clients = 0;
  p.keep_alive = true;
  // Requests still in flight when a run ends are not counted: a user fits 29 round trips of
  // ~103 ms in 3 s, so 3 s caps a row at 96.7% of its limit; 5 s makes that edge under 2%.
  p.duration = std::chrono::seconds(5);
  p.about = "the same load for 5 s with the client cap lifted, keep-alive";
  return p;
}

std::optional<Profile> find_profile(const std::string& name) {
  if (name == "seed") return seed_profile();
  if (name == "unleashed") return unleashed_profile();
  return std::nullopt;
}

std::string path_of(const std::string& style, const std::string& endpoint,
                    std::chrono::milliseconds latency) {
  const std::string prefix = is_single_style_peer(style) ? "" : "/" + style;
  if (endpoint == "sleep") return fmt::format("{}/sleep?ms={}", prefix, latency.count());
  return fmt::format("{}/{}", prefix, endpoint);
}

Limit littles_law_limit(const std::string& implementation, const std::string& style,
                        const std::string& endpoint, const Settings& settings) {
  if (implementation == "floor" || (endpoint != "fetch" && endpoint != "sleep")) return {};
  const auto& p = settings.profile;
  double latency = std::chrono::duration<double>(p.latency).count();
  auto limit = [&](std::size_t in_flight, std::string why) {
    return Limit{static_cast<double>(in_flight) / latency, std::move(why)};
  };
  if (style == "sync") return limit(1, "loop (1 in flight)");
  std::size_t users = p.concurrency;
  if (style == "threadpool") {
    return settings.pool < users ? limit(settings.pool, fmt::format("pool ({})", settings.pool))
                                 : limit(users, fmt::format("users ({})", users));
  }
  // The async styles: one in flight per user, unless the client's cap is lower. Only /fetch
  // goes through the client (Parity's, or Tornado's AsyncHTTPClient); the other peers' clients
  // have no cap.
  if (endpoint == "fetch" && p.max_clients != 0 && p.max_clients < users &&
      !is_single_style_peer(implementation))
    return limit(p.max_clients, fmt::format("client cap ({})", p.max_clients));
  return limit(users, fmt::format("users ({})", users));
}

void derive_figures(std::vector<Row>& rows, const Settings& settings) {
  auto find = [&rows](const std::string& implementation, const std::string& style,
                      const std::string& endpoint) -> const Row* {
    for (const auto& row : rows) {
      if (row.implementation == implementation && row.style == style && row.endpoint == endpoint &&
          row.error.empty())
        return &row;
    }
    return nullptr;
  };
  const Row* floor = find("floor", "floor", "hello");
  for (auto& row : rows) {
    row.limit = littles_law_limit(row.implementation, row.style, row.endpoint, settings);
    if (row.endpoint == "hello" && row.implementation != "floor" && floor) {
      row.limit = {floor->summary.transaction_rate, "CPU (the floor)"};
    }
    row.percent_of_limit =
        row.limit.rate > 0 ? 100 * row.summary.transaction_rate / row.limit.rate : 0;
    const Row* sync = find(row.implementation, "sync", row.endpoint);
    row.ratio_to_sync = sync && sync->summary.transaction_rate > 0
                            ? row.summary.transaction_rate / sync->summary.transaction_rate
                            : 0;
  }
}

std::string tornado_peer_script() {
  return data::find("bench/peers/tornado/server.py").string();
}

}  // namespace parity::compare
