// Lesson 14: more than one core. The sync style, which blocks its thread, served by one loop
// thread, by two (--threads 2), by two processes (--processes 2, seed 000's server.start(n)) and
// by two servers behind nginx, the load balancer a deployment would put in front. Which of them
// runs two requests at once is proved by the upstream's barrier (/barrier/2/T/delay answers only
// when two requests wait on it together); what each is worth is measured with the seeds' siege.

#include "tutorials/14_more_than_one_core/lesson.hpp"

#include "app/demo/uploads.hpp"
#include "common/http/client/client.hpp"
#include "tools/process/process.hpp"
#include "tutorials/generated/nginx_conf.hpp"
#include "tutorials/support.hpp"

#include <fmt/format.h>
#include <boost/asio/ip/tcp.hpp>

#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

namespace parity::tutorials {
namespace {

// The upstream's count of requests waiting on it now.
std::int64_t waiting(const upstream::EmbeddedUpstream& upstream) {
  auto stats = http::fetch_blocking({"GET", upstream.url() + "/stats"});
  return stats.json().at("waiting").to_number<std::int64_t>();
}

// Sends A, waits until A is at the upstream's barrier (so A's thread or process is busy), then
// sends B: B runs at once only if something other than A's thread can take it. Returns both
// statuses: 200 200 if they met at the barrier, 502 502 if each waited there alone.
std::pair<unsigned, unsigned> a_then_b(const std::string& url,
                                       const upstream::EmbeddedUpstream& upstream) {
  auto fetch = [url] {
    return http::fetch_blocking({"GET", url}, {.timeout = 30s, .raise_error = false}).status;
  };
  auto a = std::async(std::launch::async, fetch);
  auto deadline = Clock::now() + 10s;
  while (waiting(upstream) < 1 && Clock::now() < deadline) std::this_thread::sleep_for(5ms);
  auto b = std::async(std::launch::async, fetch);
  return {a.get(), b.get()};
}

std::string statuses(const std::pair<unsigned, unsigned>& s) {
  return fmt::format("{} {}", s.first, s.second);
}

// A upstream whose /delay is a barrier for two: `timeout` is how long one waits alone.
std::string barrier_for_two(const upstream::EmbeddedUpstream& upstream,
                            std::chrono::milliseconds timeout) {
  return fmt::format("{}/barrier/2/{}", upstream.url(), timeout.count());
}

StepResult one_loop_on_two_threads() {
  upstream::EmbeddedUpstream upstream{upstream::Options{}};
  std::pair<unsigned, unsigned> one, two;
  {
    app::ServiceThread service({.upstream_url = barrier_for_two(upstream, 300ms)}, 1);
    one = a_then_b(service.url("/sync/fetch?format=json"), upstream);
  }
  {
    app::ServiceThread service({.upstream_url = barrier_for_two(upstream, 10s)}, 2);
    two = a_then_b(service.url("/sync/fetch?format=json"), upstream);
  }
  StepResult result;
  result.output = fmt::format(
      "GET /sync/fetch twice, the second once the first waits at a barrier for two:\n"
      "  parity serve --threads 1:  {}\n"
      "  parity serve --threads 2:  {}\n",
      statuses(one), statuses(two));
  result.notice =
      "with one thread, the first request held it inside its blocking call, so the second could "
      "not even be read until the first gave up: each waited at the barrier alone (502). With "
      "two threads running the same loop, the second thread took the second request, and both "
      "met at the barrier (200).";
  result.figures["one_thread_ok"] = (one.first == 200) + (one.second == 200);
  result.figures["two_threads_ok"] = (two.first == 200) + (two.second == 200);
  return result;
}

// The `parity` executable: this one if `parity tutorial` is running, else the one built beside
// the tests.
std::string parity_executable() {
  auto self = std::filesystem::read_symlink("/proc/self/exe");
  if (self.filename() == "parity") return self.string();
  return PARITY_CLI_PATH;
}

// Starts `parity serve --processes 2` and returns its port, read from its banner.
unsigned short serve_in_processes(std::unique_ptr<compare::ChildProcess>& child,
                                  const std::string& upstream_url) {
  child = std::make_unique<compare::ChildProcess>(
      // Warnings only: its info lines would reach the terminal before the step prints the
      // command that started it.
      std::vector<std::string>{parity_executable(), "--log-level", "warning", "serve",
                               "--processes", "2", "--port", "0", "--upstream", upstream_url,
                               "--no-access-log"});
  auto banner = child->read_line(10s);  // Parity serving on http://127.0.0.1:PORT (...)
  auto colon = banner.rfind(':', banner.find(" ("));
  return static_cast<unsigned short>(std::stoi(banner.substr(colon + 1)));
}

StepResult two_processes_on_one_port() {
  upstream::EmbeddedUpstream upstream{upstream::Options{}};
  std::unique_ptr<compare::ChildProcess> child;
  auto port = serve_in_processes(child, barrier_for_two(upstream, 10s));
  auto url = fmt::format("http://127.0.0.1:{}/sync/fetch?format=json", port);
  auto both = a_then_b(url, upstream);
  child.reset();  // SIGTERM: the supervisor stops its workers
  StepResult result;
  result.output = fmt::format(
      "$ parity serve --processes 2 --upstream {}/barrier/2/10000\n"
      "GET /sync/fetch twice, the second once the first waits at the barrier:  {}\n",
      upstream.url(), statuses(both));
  result.notice =
      "seed 000's server.start(n): the port is bound once, then n processes are forked, each "
      "with its own loop on the one listening socket. A worker busy in a blocking call does not "
      "accept, so the other took the second connection. Each process has its own memory, pool "
      "and client: nothing is shared, and nothing needs a lock.";
  result.figures["ok"] = (both.first == 200) + (both.second == 200);
  return result;
}

std::string nginx_binary() {
  if (compare::program_exists("nginx")) return "nginx";
  if (std::filesystem::exists("/usr/sbin/nginx")) return "/usr/sbin/nginx";
  return {};
}

// nginx in front of two servers, for the length of a step: its files in a directory of its own.
class Nginx {
 public:
  Nginx(unsigned short backend_a, unsigned short backend_b) {
    if (nginx_binary().empty())
      throw std::runtime_error(
          "nginx is not installed: scripts/install-deps.sh installs Debian's nginx-light");
    dir_ = demo::make_temporary_directory("parity-nginx");
    // Another program could take the free port between our probe and nginx's bind: try again.
    for (int attempt = 0; attempt < 3 && !child_; ++attempt) start(backend_a, backend_b);
    if (!child_)
      throw std::runtime_error("nginx did not start; see " + (dir_ / "error.log").string());
  }
  ~Nginx() {
    child_.reset();
    demo::remove_temporary_directory(dir_);  // (Ctrl-C during the step removes it too)
  }
  std::string url(const std::string& path) const {
    return fmt::format("http://127.0.0.1:{}{}", port_, path);
  }

 private:
  void start(unsigned short a, unsigned short b) {
    port_ = free_port();
    std::string config = kNginxConf;  // tutorials/14_more_than_one_core/nginx.conf
    for (auto [name, value] : {std::pair{"@dir@", dir_.string()},
                               {"@port@", std::to_string(port_)},
                               {"@a@", std::to_string(a)},
                               {"@b@", std::to_string(b)}})
      for (auto at = config.find(name); at != std::string::npos; at = config.find(name))
        config.replace(at, std::string_view(name).size(), value);
    std::ofstream(dir_ / "nginx.conf") << config;
    auto child = std::make_unique<compare::ChildProcess>(std::vector<std::string>{
        nginx_binary(), "-p", dir_.string(), "-c", (dir_ / "nginx.conf").string(), "-e",
        (dir_ / "error.log").string()});
    auto deadline = Clock::now() + 5s;
    while (Clock::now() < deadline) {
      asio::io_context io;
      asio::ip::tcp::socket probe(io);
      boost::system::error_code ec;
      probe.connect({asio::ip::make_address("127.0.0.1"), port_}, ec);
      if (!ec) {
        child_ = std::move(child);
        return;
      }
      std::this_thread::sleep_for(20ms);
    }
  }
  static unsigned short free_port() {
    asio::io_context io;
    asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
    return probe.local_endpoint().port();
  }

  std::filesystem::path dir_;
  unsigned short port_ = 0;
  std::unique_ptr<compare::ChildProcess> child_;
};

StepResult behind_nginx() {
  upstream::EmbeddedUpstream upstream{upstream::Options{}};
  app::ServiceThread a({.upstream_url = barrier_for_two(upstream, 10s)});
  app::ServiceThread b({.upstream_url = barrier_for_two(upstream, 10s)});
  Nginx nginx(a.port(), b.port());
  auto both = a_then_b(nginx.url("/sync/fetch?format=json"), upstream);
  StepResult result;
  result.output = fmt::format(
      "nginx on one port, in front of two parity servers of one thread each:\n"
      "GET /sync/fetch twice through nginx, the second once the first waits:  {}\n",
      statuses(both));
  result.notice =
      "nginx's round robin sent the second request to the other server, so both met at the "
      "barrier. This is how a deployment spreads a blocking service over cores or machines: "
      "the servers know nothing of each other, and the balancer in front decides.";
  result.figures["ok"] = (both.first == 200) + (both.second == 200);
  return result;
}

StepResult measured_with_the_seeds_siege() {
  Demo one;
  upstream::EmbeddedUpstream upstream{upstream::Options{.latency = kLatency, .jitter = 0ms}};
  app::ServiceThread a({.upstream_url = upstream.url()});
  app::ServiceThread b({.upstream_url = upstream.url()});
  Nginx nginx(a.port(), b.port());
  auto direct = seed_siege(one.service.url("/sync/fetch"));
  auto balanced = seed_siege(nginx.url("/sync/fetch"));
  StepResult result;
  result.output =
      "One sync server:\n" + direct.text + "\nTwo sync servers behind nginx:\n" + balanced.text;
  result.notice =
      "Little's law per server: one request in flight each and 100 ms per request, so one server "
      "stays under 10 per second and two under 20. More cores lift the sync style's ceiling by "
      "one request per core; the async styles did it on one core, for 100 users, in lesson 03.";
  result.figures["direct_rate"] = direct.summary.transaction_rate;
  result.figures["balanced_rate"] = balanced.summary.transaction_rate;
  result.figures["failed"] = static_cast<double>(direct.summary.failed + balanced.summary.failed);
  return result;
}

}  // namespace

Lesson more_than_one_core_lesson() {
  return {
      .id = "14",
      .folder = "tutorials/14_more_than_one_core",
      .title = "More than one core",
      .seeds = "000 (server.start(n))",
      .minutes = 15,
      .steps = {{"14.1", "one loop on two threads (--threads)", one_loop_on_two_threads},
                {"14.2", "two processes on one port (--processes)", two_processes_on_one_port},
                {"14.3", "two servers behind nginx", behind_nginx},
                {"14.4", "measured: one server, two behind nginx", measured_with_the_seeds_siege}}};
}

}  // namespace parity::tutorials
