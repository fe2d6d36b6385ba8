// `parity diff ENDPOINT STYLE_A STYLE_B`: one endpoint's handler in two styles, as a unified
// diff; what changes is the style and nothing else.

#include "cli/commands.hpp"
#include "tools/diff/style_diff.hpp"
#include "app/service.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <cstdio>

namespace parity::cli {

struct DiffArgs {
  std::string style_a;
  std::string style_b;
  bool all = false;
  bool stat = false;
  std::string color = "auto";
  std::optional<std::string> sources;
};

Command add_diff_command(CLI::App& app) {
  auto args = std::make_shared<DiffArgs>();
  auto* cmd = app.add_subcommand(
      "diff",
      "Show one endpoint's handler in two styles as a unified diff: the style and nothing else.\n"
      "  parity diff fetch sync coroutine\n"
      "  parity diff --all callback future\n"
      "Endpoints: hello fetch sleep chain parallel compute cmdb_search cmdb_import upload "
      "stream.\nStyles: sync callback future coroutine threadpool.");
  // Three words, or two with --all: CLI11 fills the positionals in order, so with --all the two
  // styles arrive as ENDPOINT and STYLE_A and are moved along below.
  auto words = std::make_shared<std::vector<std::string>>(3);
  cmd->add_option("ENDPOINT", (*words)[0], "The endpoint (with --all, leave it out)")->required();
  cmd->add_option("STYLE_A", (*words)[1], "The style on the left (-)")->required();
  cmd->add_option("STYLE_B", (*words)[2], "The style on the right (+)");
  cmd->add_flag("--all", args->all, "Every endpoint, one diff after the other");
  cmd->add_flag("--stat", args->stat, "Only count the lines each diff removes and adds");
  cmd->add_option("--color", args->color, "Colour the diff: auto (on a terminal), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd->add_option("--sources", args->sources,
                  "The style sources to read (default: the copy beside the build, then the "
                  "checkout's styles/)");
  return [args, words] {
    std::vector<std::string> endpoints;
    if (args->all) {
      if (!(*words)[2].empty()) throw CLI::ValidationError("with --all, give two styles only");
      endpoints = diff::endpoint_names();
      args->style_a = (*words)[0];
      args->style_b = (*words)[1];
    } else {
      if ((*words)[2].empty())
        throw CLI::ValidationError(
            "give an endpoint and two styles: parity diff fetch sync coroutine");
      endpoints = {(*words)[0]};
      args->style_a = (*words)[1];
      args->style_b = (*words)[2];
    }
    bool color = args->color == "always" || (args->color == "auto" && ::isatty(STDOUT_FILENO));
    std::optional<std::filesystem::path> preferred;
    if (args->sources) preferred = *args->sources;
    auto sources = diff::find_style_sources(preferred);
    for (const auto& endpoint : endpoints) {
      diff::EndpointSource a, b;
      try {
        a = diff::read_endpoint(sources, args->style_a, endpoint);
        b = diff::read_endpoint(sources, args->style_b, endpoint);
      } catch (const std::invalid_argument& e) {
        throw CLI::ValidationError(e.what());
      }
      auto diff = diff::unified_diff(a, b, color && !args->stat);
      if (args->stat) {
        fmt::print("{:<12} {} -> {}: -{} +{}\n", endpoint, args->style_a, args->style_b,
                   diff.removed, diff.added);
      } else {
        fmt::print("{}{}", diff.text, endpoint == endpoints.back() ? "" : "\n");
      }
    }
    return 0;
  };
}

}  // namespace parity::cli
