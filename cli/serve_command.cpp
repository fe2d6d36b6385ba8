#include "cli/commands.hpp"
#include "cli/units.hpp"
#include "common/http/prefork.hpp"
#include "common/http/server.hpp"
#include "upstream/upstream.hpp"

#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include <sys/socket.h>
#include <netinet/in.h>

#include <thread>

namespace parity::cli {
namespace {

// GET / : the routes this server has, one per line.
class RouteIndexHandler final : public http::RequestHandler {
 public:
  void get() override {
    std::string text = "Parity\n\n";
    for (const auto& route : application().routes()) {
      std::string methods;
      for (auto method : route.methods) methods += (methods.empty() ? "" : ",") + std::string(http::bhttp::to_string(method));
      text += fmt::format("{:<8} {}\n", methods, route.pattern);
    }
    set_header(http::field::content_type, "text/plain; charset=UTF-8");
    finish(text);
  }
};

struct Settings {
  std::string host = "127.0.0.1";
  unsigned short port = 8000;
  std::string upstream;
  unsigned threads = 1;
  unsigned processes = 1;
  std::size_t max_clients = 10;
  std::chrono::milliseconds grace = std::chrono::seconds(10);
  bool no_access_log = false;
  http::ServerOptions server;
};

unsigned short local_port(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  return ntohs(address.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&address)->sin6_port
                                             : reinterpret_cast<sockaddr_in*>(&address)->sin_port);
}

std::shared_ptr<http::Application> make_service(const Settings&, const std::string& /*upstream_url*/) {
  auto app = std::make_shared<http::Application>();
  app->add<RouteIndexHandler>("/", "index");
  return app;
}

void print_banner(const Settings& s, unsigned short port, const std::string& upstream_url, bool embedded) {
  fmt::print("Parity serving on http://{}:{} ({} process(es), {} thread(s) each)\n", s.host, port, s.processes,
             s.threads);
  fmt::print("Upstream: {}{}\n", upstream_url, embedded ? " (embedded, 100ms latency; give --upstream URL to use another)" : "");
  fmt::print("Try:\n  curl http://{}:{}/\n  curl '{}/delay?ms=250'\nStop with Ctrl-C.\n", s.host, port, upstream_url);
  std::fflush(stdout);
}

int run_single_process(const Settings& s) {
  std::unique_ptr<upstream::EmbeddedUpstream> embedded;
  std::string upstream_url = s.upstream;
  if (upstream_url.empty()) {
    embedded = std::make_unique<upstream::EmbeddedUpstream>(upstream::Options{});
    upstream_url = embedded->url();
  }
  Loop loop;
  http::Server server(loop, make_service(s, upstream_url), s.server);
  server.listen(s.host, s.port);
  server.stop_on_signals(s.grace);
  print_banner(s, server.port(), upstream_url, embedded != nullptr);
  loop.run(s.threads);
  return 0;
}

// Children share the listening socket; the embedded upstream, if any, is one more child.
int run_processes(const Settings& s) {
  int listener = http::bind_listening_socket(s.host, s.port);
  int upstream_listener = -1;
  std::string upstream_url = s.upstream;
  if (upstream_url.empty()) {
    upstream_listener = http::bind_listening_socket("127.0.0.1", 0);
    upstream_url = fmt::format("http://127.0.0.1:{}", local_port(upstream_listener));
  }
  auto service = make_service(s, upstream_url);
  print_banner(s, local_port(listener), upstream_url, upstream_listener >= 0);
  unsigned children = s.processes + (upstream_listener >= 0 ? 1 : 0);
  return http::supervise_children(children, [&](unsigned index) {
    Loop loop;
    if (index == s.processes) {
      http::ServerOptions quiet;
      quiet.access_log = false;
      http::Server upstream_server(loop, upstream::make_application({}), quiet);
      upstream_server.adopt(upstream_listener);
      upstream_server.stop_on_signals(std::chrono::seconds(1));
      loop.run();
      return 0;
    }
    http::Server server(loop, service, s.server);
    server.adopt(listener);
    server.stop_on_signals(s.grace);
    loop.run(s.threads);
    return 0;
  });
}

}  // namespace

Command add_serve_command(CLI::App& app) {
  auto s = std::make_shared<Settings>();
  auto* command = app.add_subcommand("serve", "Serve the demo service (every style) over one loop");
  command->add_option("--host", s->host, "Address to listen on")->capture_default_str();
  command->add_option("--port", s->port, "Port to listen on (0: any free port)")->capture_default_str();
  command->add_option("--upstream", s->upstream,
                      "URL of the upstream API (default: start one inside this process, 100ms latency)")
      ->check([](const std::string& url) -> std::string {
        auto parsed = boost::urls::parse_uri(url);
        if (!parsed || parsed->scheme() != "http" || parsed->host().empty()) {
          return "expected http://HOST:PORT, e.g. http://127.0.0.1:9001";
        }
        return {};
      });
  command->add_option("--threads", s->threads, "Threads running the one loop")->check(CLI::Range(1u, 256u))->capture_default_str();
  command->add_option("--processes", s->processes, "Processes sharing the port (0: one per core)")
      ->check(CLI::Range(0u, 256u))
      ->capture_default_str();
  command->add_option("--max-clients", s->max_clients, "Upstream fetches in flight at once (0: no cap; Tornado's is 10)")
      ->capture_default_str();
  add_duration_option(*command, "--idle-timeout", s->server.idle_timeout,
                      "Close a connection whose request (or next request) takes longer to arrive");
  add_duration_option(*command, "--body-timeout", s->server.body_timeout, "Close a connection whose body takes longer");
  add_duration_option(*command, "--grace", s->grace, "On SIGINT/SIGTERM, time left to requests in flight");
  add_size_option(*command, "--body-limit", s->server.body_limit, "Largest request body (larger: 413)");
  add_size_option(*command, "--header-limit", s->server.header_limit, "Largest request header (larger: 431)");
  command->add_flag("--no-access-log", s->no_access_log, "Do not log a line per request");

  return [s] {
    s->server.access_log = !s->no_access_log;
    if (s->processes == 0) s->processes = std::max(1u, std::thread::hardware_concurrency());
    upstream::raise_open_file_limit();
    return s->processes == 1 ? run_single_process(*s) : run_processes(*s);
  };
}

}  // namespace parity::cli
