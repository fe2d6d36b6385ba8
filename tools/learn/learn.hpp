#pragma once
// `parity learn`: the exercises as a student and a teacher use them. Each exercise is a folder
// exercises/NN_name/ with README.md, hints.md, test.cpp, the student's exercise.hpp, and the
// pristine starter/ and solution/ copies. Progress lives in the build tree (learn/progress.json),
// never in tracked files.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace parity::learn {

struct Paths {
  std::filesystem::path source;  // the checkout, or a student's project: exercises/ is under it
  std::filesystem::path build;   // the build tree its targets are built in
  // Where each exercise's starter/ and solution/ are (under exercises/NN/): empty for `source`.
  std::filesystem::path reference;
  // Where the tests that grade are (exercises/NN/test.cpp): empty for the copy this build was
  // configured with (learn/pristine/).
  std::filesystem::path pristine;
  // The checkout and build tree this `parity` was built from.
  static Paths of_this_build();
};

struct Exercise {
  std::string number;  // "01"
  std::string folder;  // "01_callback_fetch"
  std::string title;   // the README's first heading, after the number
  std::filesystem::path dir;        // the student's folder
  std::filesystem::path reference;  // the folder of its starter/ and solution/ (often `dir`)
  std::filesystem::path student_file() const { return dir / "exercise.hpp"; }
  std::filesystem::path starter_file() const { return reference / "starter" / "exercise.hpp"; }
  std::filesystem::path solution_file() const { return reference / "solution" / "exercise.hpp"; }
  std::filesystem::path test_file() const { return dir / "test.cpp"; }
};

// A mistake a class makes, kept as exercises/NN/wrong/NAME.patch against the solution (the build
// applies it), whose first lines say what it is and the sentence its tests must fail with:
//   // Mistake: finish() from a thread of its own
//   // Fails with: finish() was called from a thread that is not running the handler's strand
// A mistake that only a sanitizer shows (a data race, memory used after it was freed, that the
// tests pass by luck) says which, and its sentence is then that sanitizer's:
//   // Caught by: tsan
struct WrongSolution {
  std::string name;  // NAME
  std::filesystem::path file;
  std::string mistake;
  std::string sentence;
  std::string caught_by;  // "asan", "tsan", or "" for the tests alone
};
std::vector<WrongSolution> wrong_solutions(const Exercise& exercise);

// A file's whole text ("" if it cannot be read); a file written whole, its folder made, or
// std::runtime_error.
std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& text);

// Every exercise, in order. Throws std::runtime_error if exercises/ is missing.
std::vector<Exercise> exercises(const Paths& paths);
// "1", "01" or "01_callback_fetch"; nullopt if there is none.
std::optional<Exercise> find_exercise(const Paths& paths, const std::string& which);

enum class State { not_started, failing, passing };
std::string to_string(State state);

// What progress.json keeps per exercise.
struct Progress {
  State state = State::not_started;
  int hints_shown = 0;
};
Progress progress_of(const Paths& paths, const Exercise& exercise);
void save_progress(const Paths& paths, const Exercise& exercise, const Progress& progress);

// One test of an exercise, as its gtest run reported it.
struct Part {
  std::string name;  // Part2_TwoRequestsWaitForTheUpstreamAtTheSameTime
  bool passed = false;
  std::string message;  // the failure in plain words, without gtest's file:line
  double seconds = 0;
};
// Reads a gtest --gtest_output=json file.
std::vector<Part> parts_from_gtest_json(const std::string& json);

struct CheckResult {
  bool built = false;
  std::string build_output;  // the compiler's errors when it did not build
  std::vector<Part> parts;
  bool crashed = false;  // the tests died (a signal, a timeout) instead of failing
  std::string crash;     // why, in words: the signal, the first line of the report, the rule
  std::string run_output;
  double seconds = 0;  // building excluded
  bool passed() const;
};
enum class Version { student, starter, solution };
// Builds one version of `exercise` (only its target) and runs its tests, 60 s at most. The
// student's version compiles the tests as they were when the build was configured
// (learn/pristine/).
CheckResult check(const Paths& paths, const Exercise& exercise, Version version, bool build = true);
CheckResult check(const Paths& paths, const Exercise& exercise, const WrongSolution& wrong,
                  bool build = true);

// The sanitizers an exercise's tests run under too, in this build tree ("asan": AddressSanitizer
// with UndefinedBehaviorSanitizer; "tsan": ThreadSanitizer): the exercises whose lesson is
// lifetimes or threads (exercises/CMakeLists.txt lists them, into learn/sanitizers.txt). None in
// a tree without that list (a student's project, a build instrumented whole).
std::vector<std::string> sanitizers_of(const Paths& paths, const Exercise& exercise);
// "ThreadSanitizer" for "tsan", "AddressSanitizer" for "asan".
std::string sanitizer_name(const std::string& sanitizer);

// A sanitizer's first report in a test run's output, in a sentence for a student: what happened
// in plain words, the report's own name for it in parentheses, and where: the first frame in the
// student's file (`file`, e.g. "exercise.hpp"), else the first outside the sanitizer and the
// standard library. nullopt if `output` holds no report.
//   two threads used the same memory at once, one writing, with nothing ordering them (data
//   race) in `IntFuture::add_done_callback` (exercise.hpp:51) and `IntFuture::complete`
//   (exercise.hpp:66)
struct SanitizerReport {
  std::string sanitizer;  // "ThreadSanitizer", "AddressSanitizer", "LeakSanitizer", ...
  std::string kind;       // the report's: "data race", "heap-use-after-free", "SEGV", ...
  std::string sentence;
};
std::optional<SanitizerReport> read_sanitizer_report(const std::string& output,
                                                     const std::string& file);

// Why a test binary died, for a student: the signal (or the time limit), the first line of
// glibc's or a sanitizer's report in `output`, the server's last complaint, and, where `source`
// has a co_await over a braced temporary, GCC 12's rule and the two-line fix.
std::string explain_crash(int exit_code, bool timed_out, const std::string& output,
                          const std::string& source, int limit_seconds = 60);

// The tests run a second time under `sanitizer` (exercise_NN_SAN, its _solution_ or _wrong_NAME_
// version), built first unless `build` is false. `part` is what the check adds: a part named
// Sanitizer_ThreadSanitizer (or the sanitizer's name), failing with the report's sentence (or why
// the sanitized tests did not run to the end), passing when the run was clean. `run` is that run
// itself. (Its own parts do not count: the plain run grades them, and a part bounded in time may
// run out of it under ThreadSanitizer.)
struct SanitizedCheck {
  CheckResult run;
  Part part;
};
SanitizedCheck check_sanitized(const Paths& paths, const Exercise& exercise, Version version,
                               const std::string& sanitizer, bool build = true);
SanitizedCheck check_sanitized(const Paths& paths, const Exercise& exercise,
                               const WrongSolution& wrong, const std::string& sanitizer,
                               bool build = true);

// True if the student's test.cpp is not the one that grades (it is not used).
bool tests_were_edited(const Paths& paths, const Exercise& exercise);

// JUnit XML of one check: a test case per part, with its time and its reason.
std::string junit_of(const Exercise& exercise, const CheckResult& result);

// The hints of hints.md ("## Hint N" sections), in order.
std::vector<std::string> hints(const Exercise& exercise);

// Copies the student's file to learn/backups/ in the build tree and puts the starter back;
// returns the backup's path.
std::filesystem::path reset(const Paths& paths, const Exercise& exercise);

// What `parity learn check` prints for a result, each failing part's reason wrapped to `width`.
std::string describe(const Exercise& exercise, const CheckResult& result, std::size_t width = 80);

// `parity learn verify`: every starter builds and fails, every solution passes (also under each
// of its exercise's sanitizers), every wrong solution fails with its sentence (one "caught by" a
// sanitizer, with its sentence under that sanitizer). Writes JUnit XML to `junit` if given. Returns the lines of
// its report, ending with the three counts, and whether all held. `only` (numbers, "07") keeps
// those exercises; empty, all of them.
struct Verification {
  bool ok = true;
  std::string report;
};
Verification verify(const Paths& paths, bool build,
                    const std::optional<std::filesystem::path>& junit,
                    const std::vector<std::string>& only = {});

}  // namespace parity::learn
