#pragma once
// The subcommands of `parity`. Each adds its options to the app and returns the code to exit with
// once parsed and run.

#include <CLI/CLI.hpp>

#include <functional>

namespace parity::cli {

using Command = std::function<int()>;

Command add_upstream_command(CLI::App& app);
Command add_serve_command(CLI::App& app);
Command add_siege_command(CLI::App& app);
Command add_compare_command(CLI::App& app);
Command add_sweep_command(CLI::App& app);
Command add_diff_command(CLI::App& app);
Command add_tutorial_command(CLI::App& app);
Command add_learn_command(CLI::App& app);

}  // namespace parity::cli
