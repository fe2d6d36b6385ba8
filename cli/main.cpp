// `parity`: one executable, a subcommand per job. `parity --help` and `parity SUBCOMMAND --help`
// say the rest.

#include "cli/commands.hpp"
#include "common/log/log.hpp"

#include <cstdio>
#include <map>

int main(int argc, char** argv) {
  CLI::App app{
      "Parity: one HTTP service written in five async styles over one event loop, side by side, "
      "measured."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "parity 0.1.0");
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "How much to log: debug, info, warning, error, off")
      ->check(CLI::IsMember({"debug", "info", "warning", "error", "off"}))
      ->capture_default_str();

  std::map<CLI::App*, parity::cli::Command> commands;
  auto add = [&](parity::cli::Command (*adder)(CLI::App&)) {
    auto command = adder(app);
    commands.emplace(app.get_subcommands({}).back(), std::move(command));
  };
  add(parity::cli::add_upstream_command);
  add(parity::cli::add_serve_command);
  add(parity::cli::add_siege_command);
  add(parity::cli::add_compare_command);
  add(parity::cli::add_sweep_command);
  add(parity::cli::add_diff_command);
  add(parity::cli::add_tutorial_command);
  add(parity::cli::add_learn_command);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints the help asked for, or the error; a usage error exits 2, as most tools do
    // (CLI11's own codes, 105 and up, say nothing to a shell script).
    return app.exit(e) == 0 ? 0 : 2;
  }
  parity::log::set_level(parity::log::parse_level(log_level));
  for (auto* subcommand : app.get_subcommands()) {
    try {
      return commands.at(subcommand)();
    } catch (const CLI::Error& e) {  // found once the options were parsed: a usage error
      std::fprintf(stderr, "parity %s: %s\nRun with --help for more information.\n",
                   subcommand->get_name().c_str(), e.what());
      return 2;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "parity %s: %s\n", subcommand->get_name().c_str(), e.what());
      return 1;
    }
  }
  return 0;
}
