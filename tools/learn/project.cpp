#include "tools/learn/project.hpp"

#include "tools/data/data.hpp"
#include "tools/process/process.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <fstream>
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

namespace {

void write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream out(file);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

fs::path prefix_of(const fs::path& share) {
  return share.parent_path().parent_path();  // <prefix>/share/parity
}

// clangd reads build/compile_commands.json; GCC's flags it does not know are left out.
constexpr const char* kClangd =
    "# clangd: the compile commands are CMake's, in build/ (`parity learn init` configured it).\n"
    "CompileFlags:\n"
    "  CompilationDatabase: build\n"
    "  Remove: [-fconcepts-diagnostics-depth=*, -fno-semantic-interposition]\n";

constexpr const char* kVsCode =
    "{\n"
    "  \"C_Cpp.default.compileCommands\": \"${workspaceFolder}/build/compile_commands.json\",\n"
    "  \"C_Cpp.default.cppStandard\": \"c++20\"\n"
    "}\n";

}  // namespace

bool configure_project(const fs::path& share, const fs::path& project, const fs::path& build,
                       std::string& output, const std::optional<fs::path>& source) {
  std::vector<std::string> argv{"cmake", "-S", source ? source->string() : project.string(),
                                "-B", build.string(), "-DCMAKE_PREFIX_PATH=" + prefix_of(share).string(),
                                "-DPARITY_PROJECT_DIR=" + project.string()};
  if (compare::program_exists("ninja") && !fs::exists(build / "CMakeCache.txt")) {
    argv.push_back("-G");
    argv.push_back("Ninja");
  }
  auto run = compare::run_program(argv, 5min);
  output = run.output;
  return run.exit_code == 0;
}

std::string init_project(const fs::path& share, const InitOptions& options) {
  const auto& dir = options.dir;
  std::error_code ec;
  if (project_around(dir))
    throw std::runtime_error(dir.string() + " is already inside an exercises project (" +
                             project_around(dir)->string() + ")");
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec))
    throw std::runtime_error(dir.string() + " is not empty: give a new folder or an empty one");

  Paths shipped{share, {}, share, share};
  auto all = exercises(shipped);
  std::vector<Exercise> chosen;
  for (const auto& wanted : options.only) {
    auto number = wanted.size() == 1 ? "0" + wanted : wanted.substr(0, 2);
    auto found = std::find_if(all.begin(), all.end(),
                              [&](const Exercise& e) { return e.number == number; });
    if (found == all.end())
      throw std::runtime_error("no exercise " + wanted + " (there are 01 to " + all.back().number +
                               ")");
    chosen.push_back(*found);
  }
  if (options.only.empty()) chosen = all;

  fs::create_directories(dir);
  auto project = fs::canonical(dir);
  auto from = share / "learn" / "project";
  fs::copy_file(from / "CMakeLists.txt", project / "CMakeLists.txt");
  fs::copy_file(from / "README.md", project / "README.md");
  write(project / kProjectMarker,
        "This folder is a Parity exercises project, made by `parity learn init`.\n");
  write(project / ".clangd", kClangd);
  write(project / ".vscode" / "settings.json", kVsCode);
  write(project / ".gitignore", "/build/\n/compile_commands.json\n");
  for (const auto& exercise : chosen) {
    auto to = project / "exercises" / exercise.folder;
    fs::create_directories(to);
    for (const char* file : {"README.md", "hints.md", "test.cpp"})
      if (fs::exists(exercise.dir / file)) fs::copy_file(exercise.dir / file, to / file);
    fs::copy_file(exercise.starter_file(), to / "exercise.hpp");
  }

  std::string out = fmt::format("Made {} with {} exercise{}.\n", project.string(), chosen.size(),
                                chosen.size() == 1 ? "" : "s");
  if (options.configure) {
    std::string output;
    if (!configure_project(share, project, project / "build", output))
      throw std::runtime_error("cmake could not configure " + project.string() + ":\n" + output);
    fs::create_symlink("build/compile_commands.json", project / "compile_commands.json", ec);
    out += "Configured it in build/ (compile_commands.json and .clangd are for your editor).\n";
  }
  out += fmt::format("Next: cd {}, edit exercises/{}/exercise.hpp, then `parity learn check {}`.\n",
                     project.string(), chosen.front().folder, chosen.front().number);
  return out;
}

}  // namespace parity::learn
