#include "tools/learn/project.hpp"

#include "tools/data/data.hpp"
#include "tools/process/process.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <set>
#include <sstream>
#include <stdexcept>

namespace parity::learn {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::optional<fs::path> project_around(const fs::path& from) {
  std::error_code ec;
  for (auto dir = fs::absolute(from, ec); !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / kProjectMarker, ec)) return dir;
    if (dir == dir.root_path()) break;
  }
  return std::nullopt;
}

Paths find_paths(const fs::path& from) {
  auto share = data::installed_share();
  if (auto project = project_around(from)) {
    if (!share)
      throw std::runtime_error(
          "this `parity` runs from a build tree, and " + project->string() +
          " is a project made for an installed Parity: run the installed `parity` there");
    return {*project, *project / "build", *share, *share};
  }
  if (!share) return Paths::of_this_build();
  throw std::runtime_error(
      "this folder is not inside an exercises project. `parity learn init DIR` makes one "
      "(then cd DIR), or run `parity learn` inside a project made earlier");
}

std::string first_error(const std::string& output) {
  std::istringstream in(output);
  std::string first, line;
  while (std::getline(in, line)) {
    if (line.find("error:") != std::string::npos || line.starts_with("CMake Error")) return line;
    if (first.empty() && !line.empty()) first = line;
  }
  return first;
}

namespace {

// clangd reads build/compile_commands.json.
constexpr const char* kClangd =
    "# clangd: the compile commands are CMake's, in build/ (`parity learn init` configures it).\n"
    "CompileFlags:\n"
    "  CompilationDatabase: build\n";

constexpr const char* kVsCode =
    "{\n"
    "  \"C_Cpp.default.compileCommands\": \"${workspaceFolder}/build/compile_commands.json\",\n"
    "  \"C_Cpp.default.cppStandard\": \"c++20\"\n"
    "}\n";

// "3", "03" or "03_coroutine_fetch" -> "03"; anything else is refused.
std::string number_of(const std::string& wanted) {
  auto digits = [](std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
  };
  if (wanted.size() == 1 && digits(wanted)) return "0" + wanted;
  if (wanted.size() == 2 && digits(wanted)) return wanted;
  if (wanted.size() > 3 && digits(wanted.substr(0, 2)) && wanted[2] == '_')
    return wanted.substr(0, 2);
  return {};
}

std::vector<Exercise> choose(const std::vector<Exercise>& all,
                             const std::vector<std::string>& only) {
  if (only.empty()) return all;
  std::set<std::string> numbers;
  for (const auto& wanted : only) {
    auto number = number_of(wanted);
    bool known =
        std::any_of(all.begin(), all.end(), [&](const Exercise& e) { return e.number == number; });
    if (number.empty() || !known)
      throw std::runtime_error(fmt::format("no exercise {} (they are {} to {})", wanted,
                                           all.front().number, all.back().number));
    numbers.insert(number);
  }
  std::vector<Exercise> chosen;
  for (const auto& e : all)
    if (numbers.count(e.number)) chosen.push_back(e);
  return chosen;
}

// The shipped README links the lessons as ../../tutorials/...; a project has no tutorials/ of
// its own, so they point at the installed copies.
std::string readme_for_project(const fs::path& share, std::string text) {
  const std::string from = "](../../tutorials/";
  const std::string to = "](" + (share / "tutorials").string() + "/";
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

void copy_exercise(const fs::path& share, const Exercise& exercise, const fs::path& to) {
  fs::create_directories(to);
  write_file(to / "README.md", readme_for_project(share, read_file(exercise.dir / "README.md")));
  for (const char* file : {"hints.md", "test.cpp"})
    if (fs::exists(exercise.dir / file)) fs::copy_file(exercise.dir / file, to / file);
  fs::copy_file(exercise.starter_file(), to / "exercise.hpp");
}

std::string quoted(const fs::path& path) {
  auto text = path.string();
  return text.find(' ') == std::string::npos ? text : "'" + text + "'";
}

}  // namespace

bool configure_project(const fs::path& share, const fs::path& project, const fs::path& build,
                       std::string& output, const std::optional<fs::path>& source) {
  auto package = data::installed_package_dir();
  std::vector<std::string> argv{"cmake",
                                "-S",
                                source ? source->string() : project.string(),
                                "-B",
                                build.string(),
                                "-DParity_DIR=" + (package ? *package : share).string(),
                                "-DPARITY_PROJECT_DIR=" + project.string()};
  if (compare::program_exists("ninja") && !fs::exists(build / "CMakeCache.txt")) {
    argv.push_back("-G");
    argv.push_back("Ninja");
  }
  auto run = compare::run_program(argv, 5min);
  output = run.output;
  return run.exit_code == 0;
}

std::string ensure_configured(const Paths& paths) {
  if (fs::exists(paths.build / "CMakeCache.txt")) return {};
  std::string output;
  if (!configure_project(paths.reference, paths.source, paths.build, output)) return output;
  std::error_code ec;
  fs::create_symlink("build/compile_commands.json", paths.source / "compile_commands.json", ec);
  return {};
}

std::string init_project(const fs::path& share, const InitOptions& options) {
  if (options.dir.empty()) throw std::runtime_error("give the project's folder: learn init DIR");
  std::error_code ec;
  auto dir = fs::absolute(options.dir, ec);
  auto around = project_around(dir);
  bool adding = around && fs::equivalent(*around, dir, ec);
  if (around && !adding)
    throw std::runtime_error(dir.string() + " is inside the exercises project " + around->string() +
                             ": give its top folder to add exercises to it");
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw std::runtime_error(dir.string() + " is a file, not a folder");
  if (!adding && fs::exists(dir, ec) && !fs::is_empty(dir, ec))
    throw std::runtime_error(dir.string() + " is not empty: give a new folder or an empty one");

  // Everything is checked before anything is written.
  auto chosen = choose(exercises(Paths{share, {}, share, share}), options.only);
  std::vector<Exercise> added;
  for (const auto& exercise : chosen)
    if (!fs::exists(dir / "exercises" / exercise.folder)) added.push_back(exercise);

  fs::create_directories(dir);
  auto project = fs::canonical(dir);
  for (const auto& exercise : added)
    copy_exercise(share, exercise, project / "exercises" / exercise.folder);
  std::string out;
  if (adding) {
    out = fmt::format("Added {} exercise{} to {} ({} there already).\n", added.size(),
                      added.size() == 1 ? "" : "s", project.string(), chosen.size() - added.size());
  } else {
    auto from = share / "learn" / "project";
    fs::copy_file(from / "CMakeLists.txt", project / "CMakeLists.txt");
    fs::copy_file(from / "README.md", project / "README.md");
    write_file(project / ".clangd", kClangd);
    write_file(project / ".vscode" / "settings.json", kVsCode);
    write_file(project / ".gitignore", "/build/\n/compile_commands.json\n");
    // Last: a folder that holds the marker is a whole project.
    write_file(project / kProjectMarker,
               "This folder is a Parity exercises project, made by `parity learn init`.\n");
    out = fmt::format("Made {} with {} exercise{}.\n", project.string(), chosen.size(),
                      chosen.size() == 1 ? "" : "s");
  }

  if (options.configure) {
    // cmake globs exercises/ when it configures: a project it knows sees new folders at the next
    // build; a new one is configured here.
    auto failed = ensure_configured({project, project / "build", share, share});
    if (!failed.empty())
      out += "cmake could not configure it yet (`parity learn check` tries again):\n  " +
             first_error(failed) + "\n";
    else
      out += "Configured in build/: compile_commands.json and .clangd are for your editor.\n";
  } else {
    out += "Not configured yet: the first `parity learn check` configures build/.\n";
  }
  const auto& first = added.empty() ? chosen.front() : added.front();
  out += fmt::format("Next: cd {}, edit exercises/{}/exercise.hpp, then `parity learn check {}`.\n",
                     quoted(project), first.folder, first.number);
  return out;
}

}  // namespace parity::learn
