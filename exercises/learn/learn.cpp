#include "exercises/learn/learn.hpp"

#include "bench/compare/process.hpp"
#include "common/http/html.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace parity::learn {
namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

fs::path progress_file(const Paths& paths) {
  return paths.build / "learn" / "progress.json";
}

json::object all_progress(const Paths& paths) {
  boost::system::error_code ec;
  auto value = json::parse(read_file(progress_file(paths)), ec);
  return !ec && value.is_object() ? value.as_object() : json::object{};
}

std::string title_of(const fs::path& readme) {
  std::ifstream in(readme);
  std::string line;
  std::getline(in, line);  // "# Exercise 01 · A callback instead of a blocking fetch"
  auto dot = line.find("· ");
  return dot == std::string::npos ? line : line.substr(dot + std::string("· ").size());
}

std::string target_of(const Exercise& exercise, Version version) {
  switch (version) {
    case Version::starter:
      return "exercise_" + exercise.number + "_starter";
    case Version::solution:
      return "exercise_" + exercise.number + "_solution";
    case Version::student:
      break;
  }
  return "exercise_" + exercise.number;
}

// The compiler's errors, without the command lines ninja echoes: what a student needs to read.
std::string errors_only(const std::string& output) {
  std::istringstream in(output);
  std::string out;
  int kept = 0;
  for (std::string line; std::getline(in, line) && kept < 40;) {
    if (line.starts_with("[") || line.starts_with("FAILED:") || line.starts_with("/usr/bin/") ||
        line.starts_with("ninja:"))
      continue;
    out += line + "\n";
    ++kept;
  }
  return out;
}

}  // namespace

Paths Paths::of_this_build() {
  return {PARITY_SOURCE_DIR, PARITY_BINARY_DIR};
}

std::vector<Exercise> exercises(const Paths& paths) {
  auto root = paths.source / "exercises";
  if (!fs::is_directory(root)) throw std::runtime_error("no exercises in " + root.string());
  std::vector<Exercise> all;
  for (const auto& entry : fs::directory_iterator(root)) {
    auto name = entry.path().filename().string();
    if (!entry.is_directory() || name.size() < 4 || !std::isdigit(name[0]) ||
        !std::isdigit(name[1]) || name[2] != '_')
      continue;
    all.push_back({name.substr(0, 2), name, title_of(entry.path() / "README.md"), entry.path()});
  }
  std::sort(all.begin(), all.end(),
            [](const Exercise& a, const Exercise& b) { return a.folder < b.folder; });
  return all;
}

std::optional<Exercise> find_exercise(const Paths& paths, const std::string& which) {
  std::string number = which.size() == 1 ? "0" + which : which.substr(0, 2);
  for (auto& exercise : exercises(paths))
    if (exercise.number == number || exercise.folder == which) return exercise;
  return std::nullopt;
}

std::string to_string(State state) {
  switch (state) {
    case State::failing:
      return "failing";
    case State::passing:
      return "passing";
    case State::not_started:
      break;
  }
  return "not started";
}

Progress progress_of(const Paths& paths, const Exercise& exercise) {
  Progress progress;
  auto all = all_progress(paths);
  if (auto* entry = all.if_contains(exercise.number); entry && entry->is_object()) {
    const auto& o = entry->as_object();
    if (auto* s = o.if_contains("state"); s && s->is_string()) {
      if (*s == "passing") progress.state = State::passing;
      if (*s == "failing") progress.state = State::failing;
    }
    if (auto* h = o.if_contains("hints_shown"); h && h->is_int64())
      progress.hints_shown = static_cast<int>(h->as_int64());
  }
  return progress;
}

void save_progress(const Paths& paths, const Exercise& exercise, const Progress& progress) {
  auto all = all_progress(paths);
  all[exercise.number] = {{"state", to_string(progress.state)},
                          {"hints_shown", progress.hints_shown}};
  fs::create_directories(progress_file(paths).parent_path());
  auto temporary = progress_file(paths).string() + ".new";
  std::ofstream(temporary) << json::serialize(all) << "\n";
  fs::rename(temporary, progress_file(paths));  // whole or not at all
}

std::vector<Part> parts_from_gtest_json(const std::string& text) {
  std::vector<Part> parts;
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  if (ec || !value.is_object()) return parts;
  const auto* suites = value.as_object().if_contains("testsuites");
  if (!suites || !suites->is_array()) return parts;
  for (const auto& suite : suites->as_array()) {
    const auto* tests = suite.as_object().if_contains("testsuite");
    if (!tests || !tests->is_array()) continue;
    for (const auto& test : tests->as_array()) {
      const auto& t = test.as_object();
      Part part{std::string(t.at("name").as_string()), true, {}};
      if (const auto* failures = t.if_contains("failures"); failures && failures->is_array()) {
        for (const auto& failure : failures->as_array()) {
          part.passed = false;
          if (!part.message.empty()) continue;  // the first failure is the one to read
          std::string message(failure.as_object().at("failure").as_string());
          // "path:line\nFailed\nthe message": the sentence is what a student reads.
          if (auto newline = message.find('\n'); newline != std::string::npos)
            message = message.substr(newline + 1);
          if (message.starts_with("Failed\n")) message = message.substr(7);
          while (!message.empty() && message.back() == '\n') message.pop_back();
          part.message = message;
        }
      }
      parts.push_back(std::move(part));
    }
  }
  std::sort(parts.begin(), parts.end(),
            [](const Part& a, const Part& b) { return a.name < b.name; });
  return parts;
}

bool CheckResult::passed() const {
  return built && !crashed && !parts.empty() &&
         std::all_of(parts.begin(), parts.end(), [](const Part& p) { return p.passed; });
}

CheckResult check(const Paths& paths, const Exercise& exercise, Version version, bool build) {
  CheckResult result;
  const auto target = target_of(exercise, version);
  if (build) {
    auto built =
        compare::run_program({"cmake", "--build", paths.build.string(), "--target", target}, 10min);
    result.built = built.exit_code == 0;
    if (!result.built) {
      result.build_output = errors_only(built.output);
      return result;
    }
  }
  auto binary = paths.build / "exercises" / target;
  if (!fs::exists(binary)) {
    result.build_output =
        binary.string() + " is not built (cmake --build --target " + target + ")\n";
    return result;
  }
  result.built = true;
  auto report = paths.build / "learn" / (target + ".json");
  fs::create_directories(report.parent_path());
  fs::remove(report);
  auto run = compare::run_program({binary.string(), "--gtest_output=json:" + report.string()}, 60s);
  result.run_output = run.output;
  result.parts = parts_from_gtest_json(read_file(report));
  // A failing test exits 1; a signal, a timeout or no report at all is a crash or a hang.
  result.crashed = run.timed_out || run.exit_code > 1 || result.parts.empty();
  return result;
}

std::vector<std::string> hints(const Exercise& exercise) {
  std::istringstream in(read_file(exercise.dir / "hints.md"));
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("## Hint")) {
      all.emplace_back();
      continue;
    }
    if (!all.empty()) all.back() += line + "\n";
  }
  for (auto& hint : all) {
    while (!hint.empty() && (hint.back() == '\n')) hint.pop_back();
    while (!hint.empty() && hint.front() == '\n') hint.erase(0, 1);
  }
  return all;
}

fs::path reset(const Paths& paths, const Exercise& exercise) {
  auto stamp = std::time(nullptr);
  char when[32];
  std::strftime(when, sizeof when, "%Y%m%d-%H%M%S", std::localtime(&stamp));
  auto backup = paths.build / "learn" / "backups" / (exercise.folder + "-" + when + ".hpp");
  fs::create_directories(backup.parent_path());
  if (fs::exists(exercise.student_file()))
    fs::copy_file(exercise.student_file(), backup, fs::copy_options::overwrite_existing);
  fs::copy_file(exercise.starter_file(), exercise.student_file(),
                fs::copy_options::overwrite_existing);
  auto progress = progress_of(paths, exercise);
  progress.state = State::not_started;
  save_progress(paths, exercise, progress);
  return backup;
}

std::string describe(const Exercise& exercise, const CheckResult& result) {
  std::string out = fmt::format("Exercise {} · {}\n", exercise.number, exercise.title);
  if (!result.built) {
    return out + "  Your exercise.hpp does not compile yet. The compiler says:\n\n" +
           result.build_output;
  }
  if (result.crashed) {
    out += "  The tests did not finish: they crashed or ran past 60 s. What they printed:\n\n";
    auto tail = result.run_output.size() > 3000
                    ? result.run_output.substr(result.run_output.size() - 3000)
                    : result.run_output;
    return out + tail;
  }
  bool first_failure = true;
  int passed = 0;
  for (const auto& part : result.parts) {
    auto underscore = part.name.find('_');
    auto label = part.name.substr(0, underscore);  // Part2
    auto what = underscore == std::string::npos ? "" : part.name.substr(underscore + 1);
    out += fmt::format("  {} {:<6} {}\n", part.passed ? "pass" : "FAIL", label, what);
    if (!part.passed && first_failure) {
      out += "           " + part.message + "\n";
      first_failure = false;
    }
    passed += part.passed;
  }
  out += fmt::format("{} of {} parts pass.\n", passed, result.parts.size());
  return out;
}

Verification verify(const Paths& paths, bool build, const std::optional<fs::path>& junit) {
  Verification v;
  std::string cases;
  int count = 0, failures = 0;
  for (const auto& exercise : exercises(paths)) {
    auto starter = check(paths, exercise, Version::starter, build);
    auto solution = check(paths, exercise, Version::solution, build);
    struct Case {
      std::string name;
      std::string problem;  // empty when it held
    };
    std::vector<Case> checks{
        {"the starter builds and fails its tests",
         !starter.built     ? "the starter does not build"
         : starter.crashed  ? "the starter's tests crashed or hung instead of failing"
         : starter.passed() ? "the starter passes: there is nothing to do"
                            : ""},
        {"the solution passes", !solution.built    ? "the solution does not build"
                                : solution.crashed ? "the solution's tests crashed or hung"
                                : !solution.passed()
                                    ? "the solution fails: " + describe(exercise, solution)
                                    : ""}};
    for (const auto& c : checks) {
      ++count;
      bool held = c.problem.empty();
      if (!held) {
        v.ok = false;
        ++failures;
      }
      v.report += fmt::format("{} {} {}: {}\n", held ? "ok  " : "FAIL", exercise.number, c.name,
                              held ? "yes" : c.problem);
      cases +=
          fmt::format("    <testcase classname=\"exercises.{}\" name=\"{}\">{}</testcase>\n",
                      http::escape_html(exercise.folder), http::escape_html(c.name),
                      held ? "" : "<failure message=\"" + http::escape_html(c.problem) + "\"/>");
    }
  }
  v.report += fmt::format("{} of {} checks hold.\n", count - failures, count);
  if (junit) {
    if (junit->has_parent_path()) fs::create_directories(junit->parent_path());
    std::ofstream(*junit) << fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
        "  <testsuite name=\"parity exercises\" tests=\"{}\" failures=\"{}\">\n{}  </testsuite>\n"
        "</testsuites>\n",
        count, failures, cases);
  }
  return v;
}

}  // namespace parity::learn
