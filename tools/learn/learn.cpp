#include "tools/learn/learn.hpp"

#include "common/http/html.hpp"
#include "common/text/wrap.hpp"
#include "tools/process/process.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace parity::learn {
namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const fs::path& path, const std::string& text) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

namespace {

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
    auto reference = paths.reference.empty() ? entry.path() : paths.reference / "exercises" / name;
    all.push_back(
        {name.substr(0, 2), name, title_of(entry.path() / "README.md"), entry.path(), reference});
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
      Part part{std::string(t.at("name").as_string()), true, {}, 0};
      if (const auto* time = t.if_contains("time"); time && time->is_string())
        part.seconds = std::atof(std::string(time->as_string()).c_str());  // "0.123s"

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
        if (!part.passed && part.message.empty())
          part.message = "(this part failed without saying why: tell your teacher)";
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

namespace {

CheckResult check_target(const Paths& paths, const std::string& target, const fs::path& source,
                         bool build) {
  CheckResult result;
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
  auto started = std::chrono::steady_clock::now();
  auto run = compare::run_program({binary.string(), "--gtest_output=json:" + report.string()}, 60s);
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.run_output = run.output;
  result.parts = parts_from_gtest_json(read_file(report));
  // A failing test exits 1; a signal, a timeout or no report at all is a crash or a hang.
  result.crashed = run.timed_out || run.exit_code > 1 || result.parts.empty();
  if (result.crashed)
    result.crash = explain_crash(run.exit_code, run.timed_out, run.output, read_file(source));
  return result;
}

}  // namespace

CheckResult check(const Paths& paths, const Exercise& exercise, Version version, bool build) {
  auto source = version == Version::starter    ? exercise.starter_file()
                : version == Version::solution ? exercise.solution_file()
                                               : exercise.student_file();
  return check_target(paths, target_of(exercise, version), source, build);
}

CheckResult check(const Paths& paths, const Exercise& exercise, const WrongSolution& wrong,
                  bool build) {
  return check_target(paths, "exercise_" + exercise.number + "_wrong_" + wrong.name, wrong.file,
                      build);
}

std::vector<WrongSolution> wrong_solutions(const Exercise& exercise) {
  std::vector<WrongSolution> all;
  auto dir = exercise.reference / "wrong";
  if (!fs::is_directory(dir)) return all;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".patch") continue;
    WrongSolution wrong{entry.path().stem().string(), entry.path(), {}, {}};
    // Each field runs on over the comment lines that follow it, until the next field or code.
    std::istringstream in(read_file(entry.path()));
    std::string* field = nullptr;
    for (std::string line; std::getline(in, line);) {
      if (line.starts_with("// Mistake: ")) {
        field = &wrong.mistake;
        *field = line.substr(12);
      } else if (line.starts_with("// Fails with: ")) {
        field = &wrong.sentence;
        *field = line.substr(15);
      } else if (field && line.starts_with("// ")) {
        *field += " " + line.substr(3);
      } else {
        field = nullptr;
      }
    }
    all.push_back(std::move(wrong));
  }
  std::sort(all.begin(), all.end(),
            [](const WrongSolution& a, const WrongSolution& b) { return a.name < b.name; });
  return all;
}

namespace {

// The first line of a report glibc, a sanitizer or the C++ runtime writes as a program dies.
std::string first_report_line(const std::string& output) {
  static const char* const kMarkers[] = {"ERROR: AddressSanitizer",
                                         "ERROR: LeakSanitizer",
                                         "WARNING: ThreadSanitizer",
                                         "runtime error:",
                                         "double free",
                                         "free(): ",
                                         "munmap_chunk()",
                                         "malloc(): ",
                                         "corrupted ",
                                         "terminate called",
                                         "Assertion",
                                         "pure virtual method called"};
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);)
    for (const char* marker : kMarkers)
      if (line.find(marker) != std::string::npos) return line;
  return {};
}

// The core's last error line ("[E ... http] GET /fetch (...): ..."), its message only.
std::string last_complaint(const std::string& output) {
  std::istringstream in(output);
  std::string last;
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("[E ")) last = line;
  if (auto end = last.find("] "); end != std::string::npos) last = last.substr(end + 2);
  return last;
}

// `co_await f({...}, {}, ...)`: a `(` or `,` followed by `{` before the statement's `;`. (By
// hand: std::regex draws false -Wmaybe-uninitialized warnings from GCC 12 under the sanitizers.)
bool has_braced_temporary_in_co_await(const std::string& source) {
  for (auto at = source.find("co_await"); at != std::string::npos;
       at = source.find("co_await", at + 1)) {
    auto end = source.find(';', at);
    for (auto i = at; i < std::min(end, source.size()); ++i) {
      if (source[i] != '(' && source[i] != ',') continue;
      auto next = source.find_first_not_of(" \t\n", i + 1);
      if (next < end && source[next] == '{') return true;
    }
  }
  return false;
}

// The part that was running when the tests died: gtest prints "[ RUN      ] Suite.Part" as a
// part starts and "[       OK ]" or "[  FAILED  ]" as it ends. "" if none was.
std::string part_running(const std::string& output) {
  std::istringstream in(output);
  std::string running;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("[ RUN      ] ")) {
      running = line.substr(13);
      if (auto dot = running.find('.'); dot != std::string::npos) running.erase(0, dot + 1);
    } else if (line.starts_with("[       OK ] ") || line.starts_with("[  FAILED  ] ")) {
      running.clear();
    }
  }
  return running;
}

// What most often makes a test binary die so, from the signal and the report's first line.
std::string likely_cause(int signal, const std::string& report) {
  if (report.find("terminate called") != std::string::npos)
    return "std::terminate ran: an exception left a noexcept function (a receiver's set_value, a "
           "destructor) or a thread's function, or a std::thread was destroyed still joinable.";
  if (report.find("double free") != std::string::npos ||
      report.find("free(): ") != std::string::npos ||
      report.find("corrupted ") != std::string::npos ||
      report.find("malloc(): ") != std::string::npos ||
      report.find("munmap_chunk") != std::string::npos)
    return "the heap was corrupted: memory freed twice, or written after it was freed or past its "
           "end.";
  switch (signal) {
    case SIGSEGV:
      return "memory was used that was no longer (or never) valid: a coroutine resumed or "
             "destroyed after its frame was gone, a handle or pointer kept past its owner (in a "
             "`static`, or a lambda's reference to a local), or a null pointer.";
    case SIGABRT:
      return "the program aborted itself: a failed assertion, or the C++ runtime gave up.";
    case SIGFPE:
      return "an arithmetic fault: an integer divided by zero.";
    case SIGKILL:
      return "it was killed from outside: the machine ran out of memory, or someone stopped it.";
    default:
      return {};
  }
}

}  // namespace

std::string explain_crash(int exit_code, bool timed_out, const std::string& output,
                          const std::string& source) {
  std::string out;
  auto report = first_report_line(output);
  auto part = part_running(output);
  auto during = part.empty() ? std::string() : " during " + part;
  if (timed_out) {
    out += "The tests ran past 60 s and were stopped" + during +
           ": something waits forever (a request never finished, a lock never released, a loop "
           "never left, a coroutine never resumed).\n";
  } else if (exit_code > 128) {
    int signal = exit_code - 128;
    out += fmt::format("The tests were killed by signal {} ({}){}.\n", signal,
                       ::strsignal(signal), during);
    if (auto cause = likely_cause(signal, report); !cause.empty())
      out += "  The likely cause: " + cause + "\n";
  } else {
    out += fmt::format("The tests exited with code {}{} without a report.\n", exit_code, during);
  }
  if (!report.empty()) out += "  It said: " + report + "\n";
  if (auto complaint = last_complaint(output); !complaint.empty())
    out += "  The server's last complaint: " + complaint + "\n";
  // `co_await f({...}, {}, ...)`: a braced temporary inside a co_await expression.
  if (has_braced_temporary_in_co_await(source)) {
    out +=
        "  Your file has a co_await over a braced temporary, as in\n"
        "      co_await client->async_fetch({\"GET\", url}, {}, asio::use_awaitable);\n"
        "  GCC 12 destroys such temporaries wrongly across the suspension (a double free). Name\n"
        "  them first, on lines of their own:\n"
        "      http::FetchRequest request{\"GET\", url};\n"
        "      http::FetchOptions options;\n"
        "      co_await client->async_fetch(request, options, asio::use_awaitable);\n";
  }
  if (output.find("let go of without finish()") != std::string::npos)
    out +=
        "  The handler was destroyed while a callback still used it: a callback that uses "
        "`this` must keep the handler alive. Wrap it in async_callback(...).\n";
  return out;
}

bool tests_were_edited(const Paths& paths, const Exercise& exercise) {
  auto root = paths.pristine.empty() ? fs::path(PARITY_PRISTINE_DIR) : paths.pristine;
  auto pristine = root / "exercises" / exercise.folder / "test.cpp";
  return fs::exists(pristine) && read_file(pristine) != read_file(exercise.test_file());
}

std::string junit_of(const Exercise& exercise, const CheckResult& result) {
  std::string cases;
  int failures = 0;
  auto suite = "exercises." + http::escape_html(exercise.folder);
  if (!result.built || result.crashed) {
    ++failures;
    auto why = !result.built ? "it does not compile" : result.crash;
    cases += fmt::format(
        "    <testcase classname=\"{}\" name=\"build and run\" time=\"{:.3f}\"><failure "
        "message=\"{}\"/></testcase>\n",
        suite, result.seconds, http::escape_html(why));
  }
  for (const auto& part : result.parts) {
    failures += !part.passed;
    cases += fmt::format(
        "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\">{}</testcase>\n", suite,
        http::escape_html(part.name), part.seconds,
        part.passed ? "" : "<failure message=\"" + http::escape_html(part.message) + "\"/>");
  }
  int tests = static_cast<int>(result.parts.size()) + (!result.built || result.crashed);
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
      "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" time=\"{:.3f}\">\n{}"
      "  </testsuite>\n</testsuites>\n",
      suite, tests, failures, result.seconds, cases);
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

std::string describe(const Exercise& exercise, const CheckResult& result, std::size_t width) {
  std::string out = fmt::format("Exercise {} · {}\n", exercise.number, exercise.title);
  if (!result.built) {
    return out + "  Your exercise.hpp does not compile yet. The compiler says:\n\n" +
           result.build_output;
  }
  if (result.crashed) {
    auto tail = result.run_output.size() > 3000
                    ? result.run_output.substr(result.run_output.size() - 3000)
                    : result.run_output;
    return out + "  The tests did not finish. " + result.crash + "  What they printed last:\n\n" +
           tail;
  }
  int passed = 0;
  for (const auto& part : result.parts) {
    auto underscore = part.name.find('_');
    auto label = part.name.substr(0, underscore);  // Part2
    auto what = underscore == std::string::npos ? "" : part.name.substr(underscore + 1);
    out += fmt::format("  {} {:<6} {}\n", part.passed ? "pass" : "FAIL", label, what);
    if (!part.passed) out += text::wrap(part.message, width, "           ") + "\n";
    passed += part.passed;
  }
  out += fmt::format("{} of {} parts pass.\n", passed, result.parts.size());
  return out;
}

namespace {

// "" when the wrong solution failed as it should: built, ran to the end, and some part failed
// with its sentence.
std::string wrong_problem(const Exercise& exercise, const WrongSolution& wrong,
                          const CheckResult& result) {
  if (wrong.sentence.empty()) return "its file has no \"// Fails with: \" line";
  if (!result.built) return "it does not build: " + result.build_output;
  if (result.crashed) return "its tests crashed or hung: " + result.crash;
  if (result.passed()) return "it passes: the tests do not catch " + wrong.mistake;
  for (const auto& part : result.parts)
    if (!part.passed && part.message.find(wrong.sentence) != std::string::npos) return {};
  return "it fails, but not with \"" + wrong.sentence + "\": " + describe(exercise, result);
}

}  // namespace

Verification verify(const Paths& paths, bool build, const std::optional<fs::path>& junit,
                    const std::vector<std::string>& only) {
  Verification v;
  std::string cases;
  int count = 0, failures = 0;
  int starters_fail = 0, solutions_pass = 0, wrongs_fail = 0, starters = 0, wrongs = 0;
  auto record = [&](const Exercise& exercise, const std::string& name, const std::string& problem) {
    ++count;
    bool held = problem.empty();
    if (!held) {
      v.ok = false;
      ++failures;
    }
    v.report += fmt::format("{} {} {}: {}\n", held ? "ok  " : "FAIL", exercise.number, name,
                            held ? "yes" : problem);
    cases += fmt::format("    <testcase classname=\"exercises.{}\" name=\"{}\">{}</testcase>\n",
                         http::escape_html(exercise.folder), http::escape_html(name),
                         held ? "" : "<failure message=\"" + http::escape_html(problem) + "\"/>");
    return held;
  };
  for (const auto& exercise : exercises(paths)) {
    if (!only.empty() && std::find(only.begin(), only.end(), exercise.number) == only.end())
      continue;
    ++starters;
    auto starter = check(paths, exercise, Version::starter, build);
    starters_fail += record(exercise, "the starter builds and fails its tests",
                            !starter.built    ? "the starter does not build"
                            : starter.crashed ? "the starter's tests crashed or hung instead of "
                                                "failing: " +
                                                    starter.crash
                            : starter.passed() ? "the starter passes: there is nothing to do"
                                               : "");
    auto solution = check(paths, exercise, Version::solution, build);
    solutions_pass +=
        record(exercise, "the solution passes",
               !solution.built      ? "the solution does not build"
               : solution.crashed   ? "the solution's tests crashed or hung: " + solution.crash
               : !solution.passed() ? "the solution fails: " + describe(exercise, solution)
                                    : "");
    for (const auto& wrong : wrong_solutions(exercise)) {
      ++wrongs;
      auto result = check(paths, exercise, wrong, build);
      wrongs_fail += record(exercise, "wrong/" + wrong.name + " fails with its sentence",
                            wrong_problem(exercise, wrong, result));
    }
  }
  v.report += fmt::format(
      "{} of {} starters fail, {} of {} solutions pass, {} of {} wrong solutions fail with their "
      "sentence.\n",
      starters_fail, starters, solutions_pass, starters, wrongs_fail, wrongs);
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
