#pragma once
// A student's own exercises project, outside Parity's checkout (`parity learn init DIR`): the
// exercises' READMEs, hints, tests and starters, a CMakeLists.txt that finds the installed
// Parity, and what an editor needs (compile_commands.json, .clangd), so that clangd knows the
// exercise files as it would any project's. A `.parity-learn` file marks its root.

#include "tools/learn/learn.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace parity::learn {

inline constexpr const char* kProjectMarker = ".parity-learn";

// The project `from` is in (it or a parent holds .parity-learn), if any.
std::optional<std::filesystem::path> project_around(const std::filesystem::path& from);

// The paths `parity learn` works with from `from`: the student's project around it, graded with
// the installed Parity's tests; else, for a `parity` run from its build tree, its checkout.
// Throws std::runtime_error saying what to do when there is neither.
Paths find_paths(const std::filesystem::path& from);

struct InitOptions {
  std::filesystem::path dir;      // new or empty, or a project made earlier (exercises are added)
  std::vector<std::string> only;  // exercise numbers ("01", "1"); empty: all of them
  bool configure = true;          // run cmake, so that build/ and compile_commands.json exist
};
// Makes the project, or adds the exercises it lacks to one made earlier (nothing of the
// student's is overwritten), and returns what to tell the student. Throws std::runtime_error,
// having written nothing, for a folder that cannot be one or an exercise that does not exist.
// `share` is the installed Parity's share/parity.
std::string init_project(const std::filesystem::path& share, const InitOptions& options);

// Configures `project` (or, with `source`, Parity's template over `project`'s exercises) into
// `build`: true if cmake succeeded; its output in `output`.
bool configure_project(const std::filesystem::path& share, const std::filesystem::path& project,
                       const std::filesystem::path& build, std::string& output,
                       const std::optional<std::filesystem::path>& source = std::nullopt);

// For a project whose build/ was never configured (learn init --no-configure, or build/ removed):
// configures it and links compile_commands.json. Returns "" if it was configured already or now,
// else what cmake said.
std::string ensure_configured(const Paths& paths);

// The first line of cmake's or the compiler's output that says what went wrong.
std::string first_error(const std::string& output);

}  // namespace parity::learn
