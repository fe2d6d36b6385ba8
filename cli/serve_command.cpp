#include "app/demo/uploads.hpp"
#include "app/service.hpp"
#include "cli/commands.hpp"
#include "cli/units.hpp"
#include "common/http/server/prefork.hpp"
#include "common/http/server/server.hpp"
#include "common/log/log.hpp"
#include "common/loop/trace.hpp"
#include "upstream/upstream.hpp"

#include <fmt/format.h>
#include <boost/url/parse.hpp>

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <thread>

namespace parity::cli {
namespace {

struct ServeSettings {
  std::string host = "127.0.0.1";
  unsigned short port = 8000;
  std::string upstream;
  unsigned threads = 1;
  unsigned processes = 1;
  std::size_t max_clients = 10;
  unsigned pool = 5;
  std::string pool_policy = "batch";
  std::string upload_dir;
  std::chrono::milliseconds grace = std::chrono::seconds(10);
  std::chrono::milliseconds blocking_log_threshold{100};
  std::string trace;
  bool no_access_log = false;
  log::Buffering log_buffering;
  http::ServerOptions server;
};

app::ServiceOptions service_options(const ServeSettings& s, const std::string& upstream_url) {
  return {.upstream_url = upstream_url,
          .upload_dir = s.upload_dir,
          .max_clients = s.max_clients,
          .pool = s.pool,
          .pool_policy = s.pool_policy == "normal" ? PoolPolicy::normal : PoolPolicy::batch,
          .loop_threads = s.threads};
}

void print_banner(const ServeSettings& s, unsigned short port, const std::string& upstream_url,
                  bool embedded, const std::string& classroom_url = "") {
  fmt::print("Parity serving on http://{}:{} ({} process(es), {} thread(s) each)\n", s.host, port,
             s.processes, s.threads);
  if (!classroom_url.empty())
    fmt::print(
        "Classroom page: {} (a loop of its own, live while sync blocks the service's; "
        "GET / redirects there)\n",
        classroom_url);
  fmt::print("Upstream: {}{}\n", upstream_url,
             embedded ? " (embedded, 100ms latency; give --upstream URL to use another)" : "");
  fmt::print("Uploads go to {}\n", s.upload_dir);
  fmt::print(
      "Try:\n  curl http://{0}:{1}/\n  curl http://{0}:{1}/coroutine/fetch\n  curl "
      "http://{0}:{1}/sync/fetch\n"
      "Stop with Ctrl-C.\n",
      s.host, port);
  std::fflush(stdout);
}

int run_single_process(const ServeSettings& s) {
  std::unique_ptr<upstream::EmbeddedUpstream> embedded;
  std::string upstream_url = s.upstream;
  if (upstream_url.empty()) {
    embedded = std::make_unique<upstream::EmbeddedUpstream>(upstream::Options{});
    upstream_url = embedded->url();
  }
  log::set_buffering(s.log_buffering);
  Loop loop;
  loop.set_blocking_log_threshold(s.blocking_log_threshold);
  app::Service service(loop, service_options(s, upstream_url));
  http::Server server(loop, service.application(), s.server);
  server.listen(s.host, s.port);
  server.stop_on_signals(s.grace);
  // The race calls the service on loopback when it listens on every address.
  bool everywhere = s.host == "0.0.0.0" || s.host == "::";
  service.start_classroom(
      fmt::format("http://{}:{}", everywhere ? "127.0.0.1" : s.host, server.port()), s.host,
      s.processes == 1);
  // Written when the loop stops: Ctrl-C or SIGTERM leaves a whole file.
  std::optional<watch::Trace> trace;
  if (!s.trace.empty()) trace.emplace(s.trace);
  print_banner(s, server.port(), upstream_url, embedded != nullptr, service.classroom_url());
  if (trace) {
    fmt::print("Tracing to {} until the server stops; open it at https://ui.perfetto.dev\n",
               s.trace);
    std::fflush(stdout);
  }
  loop.run(s.threads);
  return 0;
}

// Children share the listening socket; the embedded upstream, if any, is one more child.
int run_processes(const ServeSettings& s) {
  int listener = http::bind_listening_socket(s.host, s.port);
  int upstream_listener = -1;
  std::string upstream_url = s.upstream;
  if (upstream_url.empty()) {
    upstream_listener = http::bind_listening_socket("127.0.0.1", 0);
    upstream_url = fmt::format("http://127.0.0.1:{}", http::local_port(upstream_listener));
  }
  print_banner(s, http::local_port(listener), upstream_url, upstream_listener >= 0);
  unsigned children = s.processes + (upstream_listener >= 0 ? 1 : 0);
  return http::supervise_children(children,
                                  [&](unsigned index) {
                                    log::set_buffering(s.log_buffering);
                                    Loop loop;
                                    if (index == s.processes) {
                                      http::ServerOptions quiet;
                                      quiet.access_log = false;
                                      http::Server upstream_server(
                                          loop, upstream::make_application({}), quiet);
                                      upstream_server.adopt(upstream_listener);
                                      upstream_server.stop_on_signals(std::chrono::seconds(1));
                                      loop.run();
                                      return 0;
                                    }
                                    loop.set_blocking_log_threshold(s.blocking_log_threshold);
                                    app::Service service(loop, service_options(s, upstream_url));
                                    http::Server server(loop, service.application(), s.server);
                                    server.adopt(listener);
                                    server.stop_on_signals(s.grace);
                                    loop.run(s.threads);
                                    return 0;
                                  },
                                  /*max_restarts=*/100, {listener, upstream_listener});
}

}  // namespace

Command add_serve_command(CLI::App& app) {
  auto s = std::make_shared<ServeSettings>();
  auto* command = app.add_subcommand("serve", "Serve the demo service (every style) over one loop");
  command->add_option("--host", s->host, "Address to listen on")->capture_default_str();
  command->add_option("--port", s->port, "Port to listen on (0: any free port)")
      ->capture_default_str();
  command
      ->add_option(
          "--upstream", s->upstream,
          "URL of the upstream API (default: start one inside this process, 100ms latency)")
      ->check([](const std::string& url) -> std::string {
        auto parsed = boost::urls::parse_uri(url);
        if (!parsed || parsed->scheme() != "http" || parsed->host().empty()) {
          return "expected http://HOST:PORT, e.g. http://127.0.0.1:9001";
        }
        return {};
      });
  command->add_option("--threads", s->threads, "Threads running the one loop")
      ->check(CLI::Range(1u, 256u))
      ->capture_default_str();
  command->add_option("--processes", s->processes, "Processes sharing the port (0: one per core)")
      ->check(CLI::Range(0u, 256u))
      ->capture_default_str();
  command
      ->add_option("--max-clients", s->max_clients,
                   "Upstream fetches in flight at once (0: no cap; Tornado's is 10)")
      ->capture_default_str();
  command
      ->add_option("--pool", s->pool,
                   "Threads of the pool for blocking work (the threadpool style, file I/O)")
      ->check(CLI::Range(1u, 1024u))
      ->capture_default_str();
  command
      ->add_option("--pool-policy", s->pool_policy,
                   "How pool threads are scheduled: batch (SCHED_BATCH: a woken pool thread does "
                   "not preempt the loop) or normal (the system's default)")
      ->check(CLI::IsMember({"batch", "normal"}))
      ->capture_default_str();
  command->add_option("--upload-dir", s->upload_dir,
                      "Where /{style}/upload saves files (default: a new temporary directory)");
  add_duration_option(*command, "--idle-timeout", s->server.idle_timeout,
                      "Close a connection whose request (or next request) takes longer to arrive");
  add_duration_option(*command, "--body-timeout", s->server.body_timeout,
                      "Close a connection whose body takes longer");
  add_duration_option(*command, "--grace", s->grace,
                      "On SIGINT/SIGTERM, time left to requests in flight");
  add_size_option(*command, "--body-limit", s->server.body_limit,
                  "Largest request body (larger: 413)");
  add_size_option(*command, "--header-limit", s->server.header_limit,
                  "Largest request header (larger: 431)");
  command
      ->add_option("--max-connections", s->server.max_connections,
                   "Connections open at once; at the cap the longest-idle one makes room, "
                   "else a new one is refused (default 0: half the open-file limit)")
      ->capture_default_str();
  command
      ->add_option("--header-fields-limit", s->server.header_fields_limit,
                   "Most header fields in a request (more: 431)")
      ->check(CLI::Range(1, 100'000))
      ->capture_default_str();
  add_duration_option(*command, "--blocking-log-threshold", s->blocking_log_threshold,
                      "Log, with its stack, a piece of work that holds a loop thread longer "
                      "(Tornado 4's set_blocking_log_threshold; 0ms: off)")
      ->check(CLI::Range(0.0, 60'000.0, "DURATION of at most 1m").description(""));
  command->add_option("--trace", s->trace,
                      "Write what the loop's and pool's threads did to FILE, in Chrome's Trace Event "
                      "Format, when the server stops (open it in Perfetto); one process only");
  command->add_flag("--no-access-log", s->no_access_log, "Do not log a line per request");
  add_size_option(*command, "--log-buffer", s->log_buffering.size,
                  "Log lines wait in a buffer this big and leave in batches, as nginx's "
                  "access_log buffer= (0: a write per line)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{16} << 20, "SIZE of at most 16MiB")
                  .description(""));
  add_duration_option(*command, "--log-flush", s->log_buffering.flush,
                      "The longest a buffered log line waits (nginx's flush=)")
      ->check(CLI::Range(1.0, 60'000.0, "DURATION from 1ms to 1m").description(""));

  return [s] {
    s->server.access_log = !s->no_access_log;
    if (s->processes == 0) s->processes = std::max(1u, std::thread::hardware_concurrency());
    if (!s->trace.empty() && s->processes != 1)
      throw CLI::ValidationError("--trace", "traces one process: leave out --processes");
    upstream::raise_open_file_limit();
    // A directory of our own making goes when we do (SIGINT and SIGTERM return through here).
    struct Removed {
      std::string dir;
      ~Removed() {
        if (!dir.empty()) demo::remove_temporary_directory(dir);
      }
    } made;
    if (s->upload_dir.empty())
      s->upload_dir = made.dir = demo::make_temporary_directory("parity-uploads").string();
    std::filesystem::create_directories(s->upload_dir);
    return s->processes == 1 ? run_single_process(*s) : run_processes(*s);
  };
}

}  // namespace parity::cli
