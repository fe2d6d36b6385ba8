#include "cli/commands.hpp"
#include "cli/units.hpp"
#include "common/http/server/server.hpp"
#include "upstream/upstream.hpp"

#include <fmt/format.h>

namespace parity::cli {

Command add_upstream_command(CLI::App& app) {
  struct Settings {
    std::string host = "127.0.0.1";
    unsigned short port = 9001;
    upstream::Options options;
    bool access_log = false;
  };
  auto settings = std::make_shared<Settings>();
  auto* command = app.add_subcommand(
      "upstream", "Run the simulated slow upstream API (timers only, one thread)");
  command->add_option("--host", settings->host, "Address to listen on")->capture_default_str();
  command->add_option("--port", settings->port, "Port to listen on (0: any free port)")
      ->capture_default_str();
  add_duration_option(*command, "--latency", settings->options.latency,
                      "Delay of /delay without ?ms=");
  add_duration_option(*command, "--jitter", settings->options.jitter,
                      "Spread of that delay: latency ± jitter");
  command->add_flag("--access-log", settings->access_log,
                    "Log every request (off: it costs at 10,000 users)");

  return [settings] {
    auto fd_limit = upstream::raise_open_file_limit();
    Loop loop;
    http::ServerOptions server_options;
    server_options.access_log = settings->access_log;
    http::Server server(loop, upstream::make_application(settings->options), server_options);
    server.listen(settings->host, settings->port);
    server.stop_on_signals(std::chrono::seconds(1));
    fmt::print("parity upstream on http://{}:{} (latency {} ± {}, open-file limit {})\n",
               settings->host, server.port(), format_duration(settings->options.latency),
               format_duration(settings->options.jitter), fd_limit);
    fmt::print("Try: curl 'http://{}:{}/delay?ms=250'    Stop with Ctrl-C.\n", settings->host,
               server.port());
    std::fflush(stdout);
    loop.run();
    return 0;
  };
}

}  // namespace parity::cli
