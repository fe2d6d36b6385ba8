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
  std::filesystem::path source;  // the checkout: exercises/ is under it
  std::filesystem::path build;   // the build tree its targets are built in
  // The checkout and build tree this `parity` was built from.
  static Paths of_this_build();
};

struct Exercise {
  std::string number;  // "01"
  std::string folder;  // "01_callback_fetch"
  std::string title;   // the README's first heading, after the number
  std::filesystem::path dir;
  std::filesystem::path student_file() const { return dir / "exercise.hpp"; }
  std::filesystem::path starter_file() const { return dir / "starter" / "exercise.hpp"; }
  std::filesystem::path solution_file() const { return dir / "solution" / "exercise.hpp"; }
};

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
};
// Reads a gtest --gtest_output=json file.
std::vector<Part> parts_from_gtest_json(const std::string& json);

struct CheckResult {
  bool built = false;
  std::string build_output;  // the compiler's errors when it did not build
  std::vector<Part> parts;
  bool crashed = false;  // the tests died (a signal, a timeout) instead of failing
  std::string run_output;
  bool passed() const;
};
enum class Version { student, starter, solution };
// Builds one version of `exercise` (only its target) and runs its tests, 60 s at most.
CheckResult check(const Paths& paths, const Exercise& exercise, Version version, bool build = true);

// The hints of hints.md ("## Hint N" sections), in order.
std::vector<std::string> hints(const Exercise& exercise);

// Copies the student's file to learn/backups/ in the build tree and puts the starter back;
// returns the backup's path.
std::filesystem::path reset(const Paths& paths, const Exercise& exercise);

// What `parity learn check` prints for a result.
std::string describe(const Exercise& exercise, const CheckResult& result);

// `parity learn verify`: every starter builds and fails, every solution passes. Writes JUnit XML
// to `junit` if given. Returns the lines of its report and whether all held.
struct Verification {
  bool ok = true;
  std::string report;
};
Verification verify(const Paths& paths, bool build,
                    const std::optional<std::filesystem::path>& junit);

}  // namespace parity::learn
