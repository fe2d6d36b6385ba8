#include "bench/sweep/sweep.hpp"

#include "bench/compare/load.hpp"
#include "tools/process/process.hpp"
#include "bench/sweep/process_stats.hpp"
#include "upstream/upstream.hpp"

#include <fmt/format.h>
#include <boost/asio/buffers_iterator.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <memory>
#include <thread>

namespace parity::sweep {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// A server of its own for one point: `parity serve`, or a peer.
compare::ServerProcess start_server(const std::string& implementation, const Settings& s,
                                    const std::string& upstream) {
  if (implementation != "parity")
    return compare::ServerProcess(
        compare::peer_argv(implementation, s.peer_script, upstream, s.max_clients, s.pool));
  return compare::ServerProcess({s.parity_path, "--log-level", "warning", "serve", "--port", "0",
                                 "--upstream", upstream, "--max-clients",
                                 std::to_string(s.max_clients), "--pool", std::to_string(s.pool),
                                 "--no-access-log", "--blocking-log-threshold", "0ms"});
}

// Why a point cannot be reached on this machine, or empty. Each user is a connection to the
// server and, on /fetch, one more from the server to the upstream (both ends in this process
// when the upstream is embedded).
std::string unreachable(unsigned users, const std::string& endpoint, std::size_t open_files) {
  std::size_t connections = users * (endpoint == "fetch" ? 2u : 1u);
  std::size_t files = 2 * connections + 256;  // both ends, in this process and the server
  if (files > open_files) {
    return fmt::format(
        "{} users need about {} open files and the limit is {}: raise the hard limit "
        "(ulimit -Hn, /etc/security/limits.conf) to reach this point",
        users, files, open_files);
  }
  if (connections > sweep::ephemeral_ports()) {
    return fmt::format("{} users need {} local ports and net.ipv4.ip_local_port_range has {}",
                       users, connections, sweep::ephemeral_ports());
  }
  return {};
}

Point measure_point(Point point, const Settings& s, const std::string& upstream,
                    std::size_t open_files) {
  point.unreachable = unreachable(point.users, point.endpoint, open_files);
  if (!point.unreachable.empty()) return point;
  auto server = start_server(point.implementation, s, upstream);
  auto before = read_process_stats(server.pid());
  auto measured = compare::measure(
      s.tool, {.url = server.url(compare::path_of(point.style, point.endpoint, s.latency)),
               .concurrency = point.users,
               .duration = s.duration,
               .keep_alive = true,
               .rate = point.rate > 0 ? std::optional(point.rate) : std::nullopt});
  auto after = read_process_stats(server.pid());
  point.summary = measured.summary;
  point.has_p99 = measured.has_p99;
  point.cpu_seconds = after.cpu_seconds - before.cpu_seconds;
  if (point.summary.elapsed > 0) point.cpu_share = point.cpu_seconds / point.summary.elapsed;
  if (point.summary.transactions > 0)
    point.cpu_us_per_request = 1e6 * point.cpu_seconds / point.summary.transactions;
  point.peak_rss_bytes = after.peak_rss_bytes;
  compare::Settings limits;
  limits.profile.concurrency = point.users;
  limits.profile.latency = s.latency;
  limits.profile.max_clients = s.max_clients;
  limits.pool = s.pool;
  point.limit =
      compare::littles_law_limit(point.implementation, point.style, point.endpoint, limits);
  if (point.limit.rate > 0)
    point.percent_of_limit = 100 * point.summary.transaction_rate / point.limit.rate;
  return point;
}

// `count` connections, each with one GET sent and its answer not yet read.
std::vector<tcp::socket> send_requests(asio::io_context& io, unsigned short port,
                                       const std::string& target, unsigned count) {
  const std::string request =
      fmt::format("GET {} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: parity-sweep\r\n\r\n", target);
  std::vector<tcp::socket> sockets;
  sockets.reserve(count);
  const tcp::endpoint server(asio::ip::make_address("127.0.0.1"), port);
  for (unsigned i = 0; i < count; ++i) {
    sockets.emplace_back(io);
    sockets.back().connect(server);
    asio::write(sockets.back(), asio::buffer(request));
  }
  return sockets;
}

// The server's RSS once it stops growing: three readings 100 ms apart within a page of each
// other, or what it is after `patience`.
std::size_t settled_rss(pid_t pid, std::chrono::milliseconds patience) {
  auto deadline = std::chrono::steady_clock::now() + patience;
  std::size_t last = read_process_stats(pid).rss_bytes;
  int steady = 0;
  while (steady < 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::size_t now = read_process_stats(pid).rss_bytes;
    steady = (now > last ? now - last : last - now) <= 4096 ? steady + 1 : 0;
    last = now;
  }
  return last;
}

Memory measure_memory(Memory memory, const Settings& s, const std::string& upstream,
                      std::size_t open_files) {
  memory.unreachable = unreachable(memory.requests, "sleep", open_files);
  if (!memory.unreachable.empty()) return memory;
  auto server = start_server(memory.implementation, s, upstream);
  asio::io_context io;
  {
    // A warm-up, so what the first requests allocate once (the allocator's arenas, the
    // routes' tables) counts as idle: 100 at once, answered.
    auto warm =
        send_requests(io, server.port(),
                      compare::path_of(memory.style, "sleep", std::chrono::milliseconds(50)), 100);
    for (auto& socket : warm) {
      asio::streambuf answer;
      asio::read_until(socket, answer, "\r\n\r\n");
      std::string head(asio::buffers_begin(answer.data()), asio::buffers_end(answer.data()));
      if (!head.starts_with("HTTP/1.1 200"))
        throw std::runtime_error("the warm-up was answered " + head.substr(0, head.find('\r')));
    }
  }
  memory.idle_rss_bytes = settled_rss(server.pid(), std::chrono::seconds(2));
  std::size_t idle_files = read_process_stats(server.pid()).open_files;
  // Longer than the measurement: every request is still asleep when the RSS is read.
  const auto sent = std::chrono::steady_clock::now();
  auto waiting = send_requests(io, server.port(),
                               compare::path_of(memory.style, "sleep", std::chrono::seconds(10)),
                               memory.requests);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (read_process_stats(server.pid()).open_files < idle_files + memory.requests &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  memory.loaded_rss_bytes = settled_rss(server.pid(), std::chrono::seconds(3));
  auto in_server = read_process_stats(server.pid()).open_files - idle_files;
  if (in_server < memory.requests) {
    memory.error = fmt::format("only {} of {} connections reached the server in time", in_server,
                               memory.requests);
    return memory;
  }
  if (std::chrono::steady_clock::now() - sent > std::chrono::seconds(9)) {
    memory.error = fmt::format(
        "{} requests took more than 9 s to reach the server and settle, so the first 10 s sleeps "
        "were ending: try fewer with --memory-requests",
        memory.requests);
    return memory;
  }
  // Proof that they were all waiting: not one has an answer yet.
  auto answered = std::count_if(waiting.begin(), waiting.end(),
                                [](tcp::socket& socket) { return socket.available() > 0; });
  if (answered > 0) {
    memory.error = fmt::format("{} of {} requests were answered before the reading: not asleep",
                               answered, memory.requests);
    return memory;
  }
  auto growth = memory.loaded_rss_bytes > memory.idle_rss_bytes
                    ? memory.loaded_rss_bytes - memory.idle_rss_bytes
                    : 0;
  memory.bytes_per_request = static_cast<double>(growth) / memory.requests;
  return memory;
}

// One step of the sweep, with a line before it and one after: what it measured, or why not.
template <class Item, class Measure, class Describe>
void run_step(Item& item, const std::string& name,
              const std::function<void(const std::string&)>& progress, Measure measure,
              Describe describe) {
  progress(name + " ...");
  try {
    item = measure(item);
  } catch (const std::exception& e) {
    item.error = e.what();
  }
  if (item.measured()) return progress(name + ": " + describe(item));
  progress(name +
           (item.error.empty() ? ": not reached: " + item.unreachable : ": failed: " + item.error));
}

template <class Number>
std::string list(const std::vector<Number>& numbers) {
  return fmt::format("{}", fmt::join(numbers, ","));
}

// A point's place on the sweep's axis: its users, or its asked rate.
std::string axis_value(const Point& p) {
  return p.rate > 0 ? fmt::format("{:g}/s", p.rate) : fmt::format("{}", p.users);
}

std::string mib(std::size_t bytes) {
  return fmt::format("{:.1f}", bytes / 1048576.0);
}

}  // namespace

bool keeps_many_waiting(const std::string& style) {
  return style == "callback" || style == "future" || style == "coroutine" ||
         compare::is_single_style_peer(style);
}

std::string describe(const Settings& s) {
  auto load = s.rates.empty()
                   ? fmt::format("{} users", list(s.users))
                   : fmt::format("{} requests/sec on {} connections (an open loop)", list(s.rates),
                                 s.users.front());
  return fmt::format(
      "Sweep: {} on /{}, {:.1f}s per point, upstream and sleep {}ms, client cap {}, pool {}, "
      "keep-alive, a fresh server process per point (tool: {})",
      load, fmt::join(s.endpoints, ", /"),
      std::chrono::duration<double>(s.duration).count(), s.latency.count(),
      s.max_clients == 0 ? std::string("none") : std::to_string(s.max_clients), s.pool,
      s.tool == "parity" ? "parity siege" : s.tool);
}

Result run_sweep(const Settings& s, const std::function<void(const std::string&)>& progress) {
  Result result;
  result.open_file_limit = upstream::raise_open_file_limit();  // children inherit it
  upstream::EmbeddedUpstream embedded(upstream::Options{.latency = s.latency});
  // The plan: per endpoint, per implementation's style, every number of users.
  std::vector<std::pair<std::string, std::string>> styles;  // implementation, style
  for (const auto& style : s.styles) styles.emplace_back("parity", style);
  result.skipped_peers = compare::unavailable_peers(s.peers, s.peer_script);
  for (const auto& [peer, why] : result.skipped_peers) progress("skipped " + peer + ": " + why);
  for (const auto& peer : s.peers) {
    bool skipped = std::any_of(result.skipped_peers.begin(), result.skipped_peers.end(),
                               [&peer](const auto& skip) { return skip.first == peer; });
    if (skipped) continue;
    for (const auto& style : compare::peer_styles(peer, s.styles)) styles.emplace_back(peer, style);
  }
  for (const auto& endpoint : s.endpoints)
    for (const auto& [implementation, style] : styles)
      if (s.rates.empty())
        for (unsigned users : s.users)
          result.points.push_back({.implementation = implementation,
                                   .style = style,
                                   .endpoint = endpoint,
                                   .users = users});
      else
        for (double rate : s.rates)
          result.points.push_back({.implementation = implementation,
                                   .style = style,
                                   .endpoint = endpoint,
                                   .users = s.users.front(),
                                   .rate = rate});
  if (s.memory_requests > 0)
    for (const auto& [implementation, style] : styles)
      if (keeps_many_waiting(style))
        result.memory.push_back(
            {.implementation = implementation, .style = style, .requests = s.memory_requests});

  const std::size_t steps = result.points.size() + result.memory.size();
  std::size_t step = 0;
  for (auto& point : result.points) {
    run_step(
        point,
        point.rate > 0 ? fmt::format("[{}/{}] {} /{} at {:g} requests/sec", ++step, steps,
                                     point.label(), point.endpoint, point.rate)
                       : fmt::format("[{}/{}] {} /{} with {} users", ++step, steps, point.label(),
                                     point.endpoint, point.users),
        progress,
        [&](Point p) { return measure_point(p, s, embedded.url(), result.open_file_limit); },
        [](const Point& p) {
          auto line =
              fmt::format("{:.1f} trans/sec, {:.0f}% of its limit, server CPU {:.0f}%",
                          p.summary.transaction_rate, p.percent_of_limit, 100 * p.cpu_share);
          if (p.rate > 0) line += fmt::format(", p99 {:.1f} ms", 1000 * p.summary.latency_p99());
          return line;
        });
  }
  for (auto& memory : result.memory) {
    run_step(
        memory,
        fmt::format("[{}/{}] {}: memory with {} requests asleep at once", ++step, steps,
                    memory.label(), memory.requests),
        progress,
        [&](Memory m) { return measure_memory(m, s, embedded.url(), result.open_file_limit); },
        [](const Memory& m) {
          return fmt::format("{:.2f} KiB per waiting request", m.bytes_per_request / 1024);
        });
  }
  return result;
}

std::string format_table(const Result& result, const Settings& s) {
  std::string out = describe(s) + "\n\n";
  for (const auto& [peer, why] : result.skipped_peers)
    out += fmt::format("skipped {}: {}\n\n", peer, why);
  auto cell = [](double value, const char* format, bool known) {
    return known ? fmt::format(fmt::runtime(format), value) : std::string("-");
  };
  // The curves at a glance: per style (rows) and users or rate (columns), per endpoint.
  const bool by_rate = !s.rates.empty();
  for (const auto& endpoint : s.endpoints) {
    if (by_rate) {
      out += fmt::format("/{}: p99 ms from when each request was due (trans/sec answered)\n{:<20}",
                         endpoint, "requests/sec");
      for (double rate : s.rates) out += fmt::format(" {:>14}", rate);
    } else {
      out += fmt::format("/{}: trans/sec (% of Little's limit)\n{:<20}", endpoint, "users");
      for (unsigned users : s.users) out += fmt::format(" {:>14}", users);
    }
    out += "\n";
    std::vector<std::string> labels;
    for (const auto& p : result.points)
      if (p.endpoint == endpoint &&
          std::find(labels.begin(), labels.end(), p.label()) == labels.end())
        labels.push_back(p.label());
    for (const auto& label : labels) {
      out += fmt::format("{:<20}", label);
      for (const auto& p : result.points) {
        if (p.endpoint != endpoint || p.label() != label) continue;
        std::string text =
            !p.unreachable.empty() ? "not reached"
            : !p.error.empty()     ? "failed"
            : by_rate ? fmt::format("{:.1f} ({:.0f})", 1000 * p.summary.latency_p99(),
                                    p.summary.transaction_rate)
            : p.limit.rate > 0
                ? fmt::format("{:.0f} ({:.0f}%)", p.summary.transaction_rate, p.percent_of_limit)
                : fmt::format("{:.0f}", p.summary.transaction_rate);
        out += fmt::format(" {:>14}", text);
      }
      out += "\n";
    }
    out += "\n";
  }
  const int axis = by_rate ? 9 : 6;  // the users or rate column's width
  out += fmt::format("{:<20} {:<6} {:>{}} {:>10} {:>8} {:>8} {:>9} {:>8} {:>10} {:>6} {:>9}\n",
                     "style", "path", by_rate ? "rate" : "users", axis, "trans/sec", "p50 ms", "p99 ms", "limit/s",
                     "% limit", "CPU us/req", "CPU %", "peak MiB");
  for (const auto& p : result.points) {
    if (!p.measured()) {
      out += fmt::format("{:<20} {:<6} {:>{}} {}\n", p.label(), p.endpoint, axis_value(p), axis,
                         p.error.empty() ? "not reached: " + p.unreachable : "failed: " + p.error);
      continue;
    }
    const auto& m = p.summary;
    out += fmt::format(
        "{:<20} {:<6} {:>{}} {:>10.1f} {:>8} {:>8} {:>9} {:>8} {:>10.0f} {:>6.0f} {:>9}\n",
        p.label(), p.endpoint, axis_value(p), axis, m.transaction_rate,
        cell(m.latency_p50() * 1000, "{:.1f}", p.has_p99),
        cell(m.latency_p99() * 1000, "{:.1f}", p.has_p99), cell(p.limit.rate, "{:.0f}", p.limit.rate > 0),
        cell(p.percent_of_limit, "{:.0f}%", p.limit.rate > 0), p.cpu_us_per_request,
        100 * p.cpu_share, mib(p.peak_rss_bytes));
  }
  if (by_rate)
    out += "p50 and p99 count from when each request was due, its wait for a connection "
           "included (corrected for coordinated omission).\n";
  if (!result.memory.empty()) {
    out += fmt::format("\nMemory per waiting request (/{{style}}/sleep, all asleep at once)\n");
    out += fmt::format("{:<20} {:>8} {:>13} {:>15} {:>12}\n", "style", "waiting", "idle RSS MiB",
                       "loaded RSS MiB", "per request");
    for (const auto& m : result.memory) {
      if (!m.measured()) {
        out +=
            fmt::format("{:<20} {}\n", m.label(),
                        m.error.empty() ? "not reached: " + m.unreachable : "failed: " + m.error);
        continue;
      }
      out +=
          fmt::format("{:<20} {:>8} {:>13} {:>15} {:>8.2f} KiB\n", m.label(), m.requests,
                      mib(m.idle_rss_bytes), mib(m.loaded_rss_bytes), m.bytes_per_request / 1024);
    }
  }
  return out;
}

bool any_failed(const Result& result) {
  return std::any_of(result.points.begin(), result.points.end(),
                     [](const Point& p) { return !p.error.empty(); }) ||
         std::any_of(result.memory.begin(), result.memory.end(),
                     [](const Memory& m) { return !m.error.empty(); });
}

}  // namespace parity::sweep
