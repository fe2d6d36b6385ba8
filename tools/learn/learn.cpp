#include "tools/learn/learn.hpp"

#include "common/http/web/html.hpp"
#include "common/text/wrap.hpp"
#include "tools/process/process.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cctype>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <optional>
#include <stdexcept>
#include <string_view>

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
                         bool build, std::chrono::seconds limit = 60s) {
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
  auto run =
      compare::run_program({binary.string(), "--gtest_output=json:" + report.string()}, limit);
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.run_output = run.output;
  result.parts = parts_from_gtest_json(read_file(report));
  // A failing test exits 1; a signal, a timeout or no report at all is a crash or a hang.
  result.crashed = run.timed_out || run.exit_code > 1 || result.parts.empty();
  if (result.crashed)
    result.crash = explain_crash(run.exit_code, run.timed_out, run.output, read_file(source),
                                 static_cast<int>(limit.count()));
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

namespace {

// The tests under a sanitizer, and the part that says what it found. `file` is the name of the
// file the mistakes are in, as the report's frames name it (exercise.hpp).
SanitizedCheck sanitized(const Paths& paths, const std::string& target, const fs::path& source,
                         const std::string& file, const std::string& sanitizer, bool build) {
  SanitizedCheck out;
  // ThreadSanitizer runs a test 5 to 15 times slower: three minutes, not one.
  out.run = check_target(paths, target, source, build, 180s);
  auto name = sanitizer_name(sanitizer);
  out.part.name = "Sanitizer_" + name;
  out.part.seconds = out.run.seconds;
  if (!out.run.built) {
    std::istringstream errors(out.run.build_output);
    std::string first;
    std::getline(errors, first);
    out.part.message = "the tests did not build under " + name + ": " + first;
  } else if (auto report = read_sanitizer_report(out.run.run_output, file)) {
    out.part.message = report->sentence;
  } else if (out.run.crashed) {
    out.part.message = "under " + name + " the tests did not run to the end. " + out.run.crash;
    while (!out.part.message.empty() && out.part.message.back() == '\n')
      out.part.message.pop_back();
  } else {
    out.part.passed = true;
  }
  return out;
}

}  // namespace

SanitizedCheck check_sanitized(const Paths& paths, const Exercise& exercise, Version version,
                               const std::string& sanitizer, bool build) {
  auto source = version == Version::starter    ? exercise.starter_file()
                : version == Version::solution ? exercise.solution_file()
                                               : exercise.student_file();
  return sanitized(paths, target_of(exercise, version) + "_" + sanitizer, source, "exercise.hpp",
                   sanitizer, build);
}

SanitizedCheck check_sanitized(const Paths& paths, const Exercise& exercise,
                               const WrongSolution& wrong, const std::string& sanitizer,
                               bool build) {
  // A patch is applied into an exercise.hpp of its own, which the report's frames name.
  return sanitized(paths, "exercise_" + exercise.number + "_wrong_" + wrong.name + "_" + sanitizer,
                   wrong.file, "exercise.hpp", sanitizer, build);
}

std::string sanitizer_name(const std::string& sanitizer) {
  if (sanitizer == "asan") return "AddressSanitizer";
  if (sanitizer == "tsan") return "ThreadSanitizer";
  return sanitizer;
}

std::vector<std::string> sanitizers_of(const Paths& paths, const Exercise& exercise) {
  std::vector<std::string> all;
  std::istringstream in(read_file(paths.build / "learn" / "sanitizers.txt"));  // "09 tsan"
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string number, sanitizer;
    if (words >> number >> sanitizer && number == exercise.number) all.push_back(sanitizer);
  }
  return all;
}

std::vector<WrongSolution> wrong_solutions(const Exercise& exercise) {
  std::vector<WrongSolution> all;
  auto dir = exercise.reference / "wrong";
  if (!fs::is_directory(dir)) return all;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".patch") continue;
    WrongSolution wrong{entry.path().stem().string(), entry.path(), {}, {}, {}};
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
      } else if (line.starts_with("// Caught by: ")) {
        field = nullptr;
        std::istringstream words(line.substr(14));
        words >> wrong.caught_by;  // "tsan", and nothing after it
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

namespace {

// One frame of a sanitizer's stack: "#0 0x55d1 in FUNCTION FILE:LINE:COL" (AddressSanitizer,
// UndefinedBehaviorSanitizer) or "#0 FUNCTION FILE:LINE (binary+0x1a2b)" (ThreadSanitizer).
struct Frame {
  std::string function;
  std::string file;  // "" when the binary has no line for it ("<null>", "(libc.so.6+0x27249)")
  std::string line;
};

std::optional<Frame> frame_of(std::string_view text) {
  auto start = text.find_first_not_of(' ');
  if (start == std::string_view::npos || text[start] != '#') return std::nullopt;
  text.remove_prefix(start);
  auto space = text.find(' ');
  if (space == std::string_view::npos || space < 2 ||
      text.substr(1, space - 1).find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  text.remove_prefix(space + 1);
  if (text.starts_with("0x")) {  // "0x55d1 in "
    auto in = text.find(" in ");
    if (in == std::string_view::npos) return Frame{};
    text.remove_prefix(in + 4);
  }
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  // GCC 14's sanitizers end a frame with "(BuildId: 5a0f...)" after the module: dropped.
  if (auto id = text.rfind(" (BuildId: "); id != std::string_view::npos && text.ends_with(")"))
    text = text.substr(0, id);
  // ThreadSanitizer ends with "(binary+0x1a2b)"; an unsymbolized frame is only that.
  if (text.ends_with(")")) {
    auto open = text.rfind(" (");
    if (open != std::string_view::npos && text.substr(open).find("+0x") != std::string_view::npos)
      text = text.substr(0, open);
    else if (text.starts_with("(") && text.find("+0x") != std::string_view::npos)
      return Frame{};
  }
  Frame frame;
  auto last = text.rfind(' ');
  auto location = last == std::string_view::npos ? std::string_view() : text.substr(last + 1);
  if (location == "<null>" || (location.starts_with("/") || location.starts_with("../")) ||
      location.find(".cpp:") != std::string_view::npos ||
      location.find(".hpp:") != std::string_view::npos || location.find(".h:") != std::string_view::npos) {
    frame.function = std::string(text.substr(0, last));
    if (frame.function.ends_with(" <null>")) frame.function.resize(frame.function.size() - 7);
    if (location != "<null>") {
      // "/path/exercise.hpp:31:5": the file and its line, the column dropped.
      std::string where(location);
      auto colon = where.find(':');
      if (colon != std::string::npos) {
        frame.file = where.substr(0, colon);
        auto rest = where.substr(colon + 1);
        frame.line = rest.substr(0, rest.find(':'));
      } else {
        frame.file = where;
      }
    }
  } else {
    frame.function = std::string(text);
  }
  if (frame.function == "<null>") frame.function.clear();
  return frame;
}

// A section of a report: the line that names it ("freed by thread T0 here:", "Previous write of
// size 1 at ... by thread T2:") and the frames under it.
struct Stack {
  std::string title;
  std::vector<Frame> frames;
};

// The sanitizers' own frames, the C and C++ runtime's and the system's headers' (the standard
// library, Asio): never where a student's mistake is.
bool is_library_frame(const Frame& frame) {
  const auto& f = frame.file;
  if (f.empty()) return true;
  return f.find("libsanitizer") != std::string::npos || f.starts_with("/usr/include/") ||
         f.starts_with("/usr/lib") || f.starts_with("../sysdeps") ||
         f.find("/glibc") != std::string::npos || frame.function.starts_with("__interceptor") ||
         frame.function.starts_with("operator new") ||
         frame.function.starts_with("operator delete");
}

std::string base_name(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// "exercise::SleepFor::await_suspend(std::coroutine_handle<void>)::{lambda()#1}::operator()()
// const" as a student names it: "`SleepFor::await_suspend`'s callback".
std::string function_in_words(const std::string& function) {
  std::string name = function;
  if (auto clone = name.find(" [clone"); clone != std::string::npos) name.erase(clone);
  for (const char* op : {"operator()", "operator<=>", "operator<<", "operator>>", "operator<",
                         "operator>", "operator->"}) {
    for (auto at = name.find(op); at != std::string::npos; at = name.find(op, at + 8)) {
      std::string_view rest(op + 8);
      name.replace(at + 8, rest.size(), std::string(rest.size(), '@'));
    }
  }
  // The names at depth 0: template arguments and parameters dropped.
  std::string flat;
  int depth = 0;
  for (char c : name) {
    if (c == '<' || c == '(') ++depth;
    else if (c == '>' || c == ')') depth = std::max(0, depth - 1);
    else if (depth == 0) flat += c;
  }
  if (auto constant = flat.rfind(" const"); constant != std::string::npos &&
                                            constant + 6 == flat.size())
    flat.erase(constant);
  // A template's return type comes first: "void exercise::IntFuture::complete".
  if (auto space = flat.find(' '); space != std::string::npos && space < flat.find("::"))
    flat.erase(0, space + 1);
  std::vector<std::string> parts;
  for (std::size_t at = 0;;) {
    auto next = flat.find("::", at);
    parts.push_back(flat.substr(at, next == std::string::npos ? std::string::npos : next - at));
    if (next == std::string::npos) break;
    at = next + 2;
  }
  while (parts.size() > 1 && (parts.front() == "exercise" || parts.front() == "std" ||
                              parts.front().empty() || parts.front() == "parity"))
    parts.erase(parts.begin());
  std::string suffix;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].starts_with("{lambda")) {
      parts.resize(i);
      suffix = "'s callback";
      break;
    }
  }
  if (parts.empty() || (parts.size() == 1 && parts[0].starts_with("operator@"))) return "a lambda";
  auto first = parts.size() >= 2 ? parts.size() - 2 : 0;
  std::string out;
  for (auto i = first; i < parts.size(); ++i) out += (out.empty() ? "" : "::") + parts[i];
  for (auto& c : out)
    if (c == '@') c = ' ';
  // operator() and its kin, whose symbols were hidden from the depth count
  for (const char* op : {"operator  ", "operator   ", "operator    "})
    if (auto at = out.find(op); at != std::string::npos) out.replace(at, std::strlen(op), "operator()");
  return "`" + out + "`" + suffix;
}

// "`SleepFor::await_suspend`'s callback (exercise.hpp:31)"
std::string frame_in_words(const Frame& frame) {
  auto where = frame.file.empty() ? "" : " (" + base_name(frame.file) +
                                             (frame.line.empty() ? "" : ":" + frame.line) + ")";
  return function_in_words(frame.function) + where;
}

// The first frame of `stack` in the student's file, else nullptr.
const Frame* in_file(const Stack& stack, const std::string& file) {
  for (const auto& frame : stack.frames)
    if (!frame.file.empty() && (frame.file == file || frame.file.ends_with("/" + file)))
      return &frame;
  return nullptr;
}

const Frame* first_outside_libraries(const Stack& stack) {
  for (const auto& frame : stack.frames)
    if (!is_library_frame(frame)) return &frame;
  return nullptr;
}

bool mentions(const Stack& stack, const char* what) {
  for (const auto& frame : stack.frames)
    if (frame.function.find(what) != std::string::npos) return true;
  return false;
}

// What the report's kind means, for a student.
std::string kind_in_words(const std::string& kind, const std::vector<Stack>& stacks) {
  auto freed_a_coroutine = [&] {
    for (const auto& stack : stacks)
      if (stack.title.starts_with("freed by") &&
          (mentions(stack, "[clone .destroy]") || mentions(stack, "[clone .actor]") ||
           mentions(stack, "coroutine_handle")))
        return true;
    return false;
  };
  if (kind == "heap-use-after-free")
    return freed_a_coroutine() ? "a coroutine's frame was used after it was destroyed"
                               : "memory was used after it was freed";
  if (kind == "stack-use-after-return")
    return "a local variable was used after its function had returned";
  if (kind == "stack-use-after-scope")
    return "a local variable was used after the block it lived in had ended";
  if (kind == "double-free" || kind == "attempting double-free")
    return "memory was freed twice";
  if (kind.ends_with("buffer-overflow") || kind.ends_with("buffer-underflow"))
    return "memory past the end (or before the start) of an array or object was used";
  if (kind == "SEGV" || kind == "SEGV on unknown address")
    return "memory was used that was not (or no longer) valid: a null or dangling pointer";
  if (kind == "detected memory leaks")
    return "memory was never freed";
  if (kind == "alloc-dealloc-mismatch" || kind == "new-delete-type-mismatch")
    return "memory was freed differently from how it was allocated";
  if (kind == "data race")
    return "two threads used the same memory at once, one writing, with nothing ordering them";
  if (kind.starts_with("data race on vptr"))
    return "an object was used on one thread while another constructed or destroyed it";
  if (kind.starts_with("lock-order-inversion"))
    return "two threads took the same two mutexes in opposite orders: they can deadlock";
  if (kind == "thread leak") return "a thread was never joined nor detached";
  if (kind.starts_with("destroy of a locked mutex")) return "a mutex was destroyed while locked";
  if (kind.starts_with("unlock of an unlocked mutex"))
    return "a mutex was unlocked that was not locked (or by another thread)";
  if (kind.starts_with("use of an invalid mutex"))
    return "a mutex was used after it was destroyed";
  return "the sanitizer found a fault";
}

}  // namespace

std::optional<SanitizerReport> read_sanitizer_report(const std::string& output,
                                                     const std::string& file) {
  std::istringstream in(output);
  std::string line;
  SanitizerReport report;
  std::string ub_text;  // UndefinedBehaviorSanitizer's "runtime error: ..." text
  std::string ub_place;
  std::string variable;  // the local a stack-use-after-return or -scope was in
  // The report's first line.
  while (std::getline(in, line)) {
    for (const char* name : {"AddressSanitizer", "LeakSanitizer", "ThreadSanitizer"}) {
      for (const char* lead : {"ERROR: ", "WARNING: "}) {
        auto marker = std::string(lead) + name + ": ";
        if (auto at = line.find(marker); at != std::string::npos) {
          report.sanitizer = name;
          report.kind = line.substr(at + marker.size());
        }
      }
    }
    if (auto at = line.find(": runtime error: "); report.sanitizer.empty() && at != std::string::npos) {
      report.sanitizer = "UndefinedBehaviorSanitizer";
      report.kind = "undefined behaviour";
      ub_text = line.substr(at + 17);
      // "/path/exercise.hpp:12:5: runtime error: ...": where, should no stack follow.
      auto place = line.substr(0, at);
      ub_place = base_name(place.substr(0, place.rfind(':')));
    }
    if (!report.sanitizer.empty()) break;
  }
  if (report.sanitizer.empty()) return std::nullopt;
  // "heap-use-after-free on address 0x..." "data race (pid=1)" "SEGV on unknown address 0x0"
  for (const char* cut : {" on address", " on unknown address", " on 0x", " (pid=", " in thread"})
    if (auto at = report.kind.find(cut); at != std::string::npos) report.kind.erase(at);
  if (report.kind.starts_with("attempting ")) report.kind.erase(0, 11);
  // The stacks, until the summary.
  std::vector<Stack> stacks;
  std::string title = "accessed";
  bool in_frames = false;
  while (std::getline(in, line)) {
    if (line.find("SUMMARY: ") != std::string::npos) break;
    if (auto frame = frame_of(line)) {
      if (!in_frames) stacks.push_back({title, {}});
      in_frames = true;
      stacks.back().frames.push_back(*frame);
      continue;
    }
    in_frames = false;
    if (auto access = line.find("' (line "); access != std::string::npos && variable.empty() &&
                                            line.find("<== Memory access") != std::string::npos) {
      auto quote = line.rfind('\'', access - 1);
      if (quote != std::string::npos) variable = line.substr(quote + 1, access - quote - 1);
    }
    auto text = line.substr(std::min(line.size(), line.find_first_not_of(' ')));
    if (!text.empty()) title = text;
  }
  // Where: the first frame in the student's file (for a race, in each of its two accesses),
  // else the first outside the sanitizer and the libraries.
  auto about_the_fault = [](const Stack& stack) {
    return !stack.title.starts_with("Thread T") && !stack.title.starts_with("Mutex M") &&
           !stack.title.starts_with("Location is") && !stack.title.starts_with("Address ");
  };
  bool coroutine = kind_in_words(report.kind, stacks).starts_with("a coroutine's frame");
  auto labelled = [coroutine](const Stack& stack, const Frame& frame) {
    auto words = frame_in_words(frame);
    if (stack.title.starts_with("freed by"))
      return (coroutine ? "destroyed in " : "freed in ") + words;
    if (stack.title.starts_with("previously allocated by")) return "allocated in " + words;
    return words;
  };
  std::vector<std::string> places;
  if (report.kind == "data race") {
    // "Read of size 1 at ... by main thread:", "Previous write of size 1 ...": read, written.
    for (const auto& stack : stacks) {
      if (!about_the_fault(stack) || places.size() == 2) continue;
      const auto* frame = in_file(stack, file);
      if (!frame) frame = first_outside_libraries(stack);
      if (!frame) continue;
      auto title = stack.title;
      std::transform(title.begin(), title.end(), title.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      auto access = title.find("write") < title.find(" of size") ? "written in " : "read in ";
      places.push_back(access + frame_in_words(*frame));
    }
  } else {
    for (const auto& stack : stacks)
      if (const auto* frame = in_file(stack, file); frame && about_the_fault(stack)) {
        places.push_back(labelled(stack, *frame));
        break;
      }
    for (const auto& stack : stacks)
      if (const auto* frame = first_outside_libraries(stack);
          places.empty() && frame && about_the_fault(stack))
        places.push_back(labelled(stack, *frame));
  }
  std::string sentence;
  if (report.sanitizer == "UndefinedBehaviorSanitizer") {
    sentence = "undefined behaviour: " + ub_text + " (UndefinedBehaviorSanitizer)";
    if (places.empty() && !ub_place.empty()) places.push_back(ub_place);
  } else if (report.kind == "detected memory leaks") {
    // "Direct leak of 80 byte(s) in 1 object(s) allocated from:"
    std::string what;
    if (!stacks.empty())
      if (auto of = stacks.front().title.find("leak of "), from = stacks.front().title.find(" allocated from");
          of != std::string::npos && from != std::string::npos && from > of)
        what = ": " + stacks.front().title.substr(of + 8, from - of - 8);
    sentence = "memory was never freed" + what + " (a leak, LeakSanitizer)";
    for (auto& place : places)
      if (!place.starts_with("allocated in ")) place = "allocated in " + place;
  } else {
    sentence = kind_in_words(report.kind, stacks);
    // A stack's variable: "[48, 52) 'copy' (line 6) <== Memory access at offset 48 is inside
    // this variable", in the frame of "Address ... is located in stack of thread T0 ...".
    if (!variable.empty()) {
      std::string owner = "its function";
      for (const auto& stack : stacks)
        if (stack.title.starts_with("Address ") && !stack.frames.empty())
          owner = function_in_words(stack.frames.front().function);
      sentence = "`" + variable + "`, a local variable of " + owner + ", was used after " +
                 (report.kind == "stack-use-after-return" ? "that function had returned"
                                                          : "the block it lived in had ended");
    }
    sentence += " (" + report.kind + ")";
  }
  // What most often does it, after the place.
  std::string cause;
  if (report.kind == "stack-use-after-return")
    cause = ": a reference or pointer to it outlived it, as a lambda's capture by reference "
            "does when the lambda runs later";
  if (report.kind == "data race" && !places.empty()) {
    sentence += ": " + places.front();
    if (places.size() > 1) sentence += ", and " + places[1];
  } else if (!places.empty()) {
    bool labelled_place = places.front().starts_with("freed in ") ||
                          places.front().starts_with("destroyed in ") ||
                          places.front().starts_with("allocated in ");
    sentence += (labelled_place ? ", " : " in ") + places.front();
  }
  report.sentence = sentence + cause;
  return report;
}

std::string explain_crash(int exit_code, bool timed_out, const std::string& output,
                          const std::string& source, int limit_seconds) {
  std::string out;
  auto report = first_report_line(output);
  auto part = part_running(output);
  auto during = part.empty() ? std::string() : " during " + part;
  if (timed_out) {
    out += fmt::format("The tests ran past {} s and were stopped", limit_seconds) + during +
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
    out += "  The tests did not finish. " + result.crash;
    // A part of its own from a sanitized run (learn check adds it) says more than the signal.
    for (const auto& part : result.parts)
      if (part.name.starts_with("Sanitizer_"))
        out += fmt::format("  {} {}\n", part.passed ? "pass" : "FAIL", part.name) +
               (part.passed ? "" : text::wrap(part.message, width, "           ") + "\n");
    return out + "  What they printed last:\n\n" + tail;
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
  // One caught by a sanitizer fails with its sentence in the sanitizer's part, whatever the
  // plain run did (memory used after it was freed may crash it, or pass by luck).
  if (!wrong.caught_by.empty()) {
    for (const auto& part : result.parts)
      if (part.name.starts_with("Sanitizer_") && !part.passed &&
          part.message.find(wrong.sentence) != std::string::npos)
        return {};
    for (const auto& part : result.parts)
      if (part.name.starts_with("Sanitizer_"))
        return "under " + part.name.substr(10) + " it " +
               (part.passed ? "passes: the sanitizer does not catch " + wrong.mistake
                            : "fails, but not with \"" + wrong.sentence + "\": " + part.message);
    return "it says \"Caught by: " + wrong.caught_by + "\", which this build tree does not have";
  }
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
  int solutions = 0;  // one per exercise, and one per sanitizer it is checked under
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
    ++solutions;
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
    // Under each of its sanitizers: no report, and the tests ran to the end. (Not that each part
    // passes there too: a part bounded in time may run out of it 10 times slower. The plain run
    // above is the one that grades the parts.)
    auto sanitizers = sanitizers_of(paths, exercise);
    for (const auto& sanitizer : sanitizers) {
      ++solutions;
      auto checked = check_sanitized(paths, exercise, Version::solution, sanitizer, build);
      solutions_pass += record(exercise, "the solution passes under " + sanitizer_name(sanitizer),
                               checked.part.passed ? ""
                                                   : "the solution fails under " +
                                                         sanitizer_name(sanitizer) + ": " +
                                                         checked.part.message);
    }
    for (const auto& wrong : wrong_solutions(exercise)) {
      ++wrongs;
      auto result = check(paths, exercise, wrong, build);
      if (!wrong.caught_by.empty() && result.built &&
          std::find(sanitizers.begin(), sanitizers.end(), wrong.caught_by) != sanitizers.end())
        result.parts.push_back(check_sanitized(paths, exercise, wrong, wrong.caught_by, build).part);
      wrongs_fail += record(exercise, "wrong/" + wrong.name + " fails with its sentence",
                            wrong_problem(exercise, wrong, result));
    }
  }
  v.report += fmt::format(
      "{} of {} starters fail, {} of {} solutions pass, {} of {} wrong solutions fail with their "
      "sentence.\n",
      starters_fail, starters, solutions_pass, solutions, wrongs_fail, wrongs);
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
