// `parity learn`: the classroom exercises. A student lists them, checks one (only its target is
// built), asks for hints one at a time, sees the model solution once it passes, watches a file,
// resets it; a teacher (and CI) verifies that every starter fails and every solution passes.

#include "cli/commands.hpp"
#include "common/text/wrap.hpp"
#include "tools/data/data.hpp"
#include "tools/learn/grade.hpp"
#include "tools/learn/learn.hpp"
#include "tools/learn/project.hpp"

#include <fmt/format.h>

#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

namespace parity::cli {
namespace {

using learn::Paths;
using learn::State;

// grade's trees, outside the folder the teacher grades in (so that `grade *` never grades them).
std::string default_grade_dir() {
  const char* cache = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  std::filesystem::path base = cache && *cache ? cache
                               : home && *home ? std::filesystem::path(home) / ".cache"
                                               : std::filesystem::temp_directory_path();
  return (base / "parity" / "grade").string();
}

struct LearnArgs {
  std::string which;
  bool give_up = false;
  bool no_build = false;
  std::string junit;
  std::string json;
  std::string dir;                   // init's
  std::vector<std::string> numbers;  // init's: which exercises
  bool no_configure = false;
  std::vector<std::string> projects;  // grade's
  std::string build_dir = default_grade_dir();
};

// The installed Parity's share/parity: init and grade work from an install only.
std::filesystem::path installed_share_or_throw(const char* command) {
  if (auto share = data::installed_share()) return *share;
  throw std::runtime_error(fmt::format(
      "`parity learn {}` works with an installed Parity: `cmake --install build/release "
      "--prefix DIR` (or the .deb of `make package`), then run DIR/bin/parity",
      command));
}

int init(const LearnArgs& args) {
  learn::InitOptions options{args.dir, args.numbers, !args.no_configure};
  fmt::print("{}", learn::init_project(installed_share_or_throw("init"), options));
  return 0;
}

int grade(const LearnArgs& args) {
  auto share = installed_share_or_throw("grade");
  learn::GradeOptions options;
  for (const auto& project : args.projects) options.projects.emplace_back(project);
  options.build = std::filesystem::absolute(args.build_dir);
  auto grades = learn::grade(share, options,
                             [](const std::string& line) { fmt::print(stderr, "{}\n", line); });
  fmt::print("{}", learn::grade_table(grades));
  if (!args.json.empty()) learn::write_file(args.json, learn::grade_json(grades));
  if (!args.junit.empty()) learn::write_file(args.junit, learn::grade_junit(grades));
  return 0;
}

// The exercise named, or the next one to do: the first that does not pass.
learn::Exercise chosen(const Paths& paths, const std::string& which) {
  if (!which.empty()) {
    auto exercise = learn::find_exercise(paths, which);
    if (!exercise)
      throw CLI::ValidationError("no exercise " + which + "; `parity learn list` lists them");
    return *exercise;
  }
  auto all = learn::exercises(paths);
  // Inside an exercise's folder, that one.
  auto here = std::filesystem::current_path().lexically_normal().string() + "/";
  for (const auto& exercise : all)
    if (here.starts_with(exercise.dir.lexically_normal().string() + "/")) return exercise;
  for (const auto& exercise : all)
    if (learn::progress_of(paths, exercise).state != State::passing) return exercise;
  return all.back();
}

int list(const Paths& paths) {
  auto all = learn::exercises(paths);
  std::string next;
  // In a student's project, its own README; in the checkout, the exercises' one.
  auto readme = paths.reference.empty() ? data::readable_path("exercises/README.md")
                                        : (paths.source / "README.md").string();
  fmt::print("The exercises ({} says how they work):\n\n", readme);
  for (const auto& exercise : all) {
    auto state = learn::progress_of(paths, exercise).state;
    if (next.empty() && state != State::passing) next = exercise.number;
    fmt::print("  {}  {:<48} {}\n", exercise.number, exercise.title, learn::to_string(state));
  }
  if (next.empty())
    fmt::print("\nEvery exercise passes. Well done.\n");
  else
    fmt::print("\nNext: {}. Edit exercises/{}/exercise.hpp, then `parity learn check {}`.\n", next,
               chosen(paths, next).folder, next);
  return 0;
}

int check(const Paths& paths, const learn::Exercise& exercise, const std::string& junit) {
  // The student's file is made from the starter, never tracked: one deleted comes back as new.
  if (!std::filesystem::exists(exercise.student_file()) &&
      std::filesystem::exists(exercise.starter_file())) {
    std::filesystem::copy_file(exercise.starter_file(), exercise.student_file());
    fmt::print("exercises/{}/exercise.hpp was missing: it is the starter again.\n",
               exercise.folder);
  }
  fmt::print("Building exercise {} ...\n", exercise.number);
  std::fflush(stdout);
  auto result = learn::check(paths, exercise, learn::Version::student);
  // Where lifetimes or threads are the lesson, the same tests again under a sanitizer: a data
  // race or memory used after it was freed often passes the tests by luck. Its report becomes a
  // part of its own.
  if (result.built) {
    for (const auto& sanitizer : learn::sanitizers_of(paths, exercise)) {
      fmt::print("Checking again under {} ...\n", learn::sanitizer_name(sanitizer));
      std::fflush(stdout);
      result.parts.push_back(
          learn::check_sanitized(paths, exercise, learn::Version::student, sanitizer).part);
    }
  }
  fmt::print("{}", learn::describe(exercise, result, text::terminal_width()));
  if (learn::tests_were_edited(paths, exercise))
    fmt::print(
        "(exercises/{}/test.cpp differs from the tests the build was configured with. It is "
        "not used: check grades with the tests as shipped.)\n",
        exercise.folder);
  if (!junit.empty()) learn::write_file(junit, learn::junit_of(exercise, result));
  auto progress = learn::progress_of(paths, exercise);
  progress.state = result.passed() ? State::passing : State::failing;
  learn::save_progress(paths, exercise, progress);
  if (result.passed()) {
    fmt::print(
        "\nExercise {} passes. `parity learn solution {}` shows a model solution to "
        "compare with; `parity learn` shows what is next.\n",
        exercise.number, exercise.number);
    return 0;
  }
  if (result.built && !result.crashed)
    fmt::print("Stuck? `parity learn hint {}` gives a hint.\n", exercise.number);
  return 1;
}

int hint(const Paths& paths, const learn::Exercise& exercise) {
  auto all = learn::hints(exercise);
  if (all.empty()) {
    fmt::print("Exercise {} has no hints.\n", exercise.number);
    return 0;
  }
  auto progress = learn::progress_of(paths, exercise);
  int shown = std::min<int>(progress.hints_shown + 1, static_cast<int>(all.size()));
  fmt::print("Hint {} of {} for exercise {}:\n\n{}\n", shown, all.size(), exercise.number,
             all[shown - 1]);
  if (shown == static_cast<int>(all.size()))
    fmt::print(
        "\nThat was the last hint. The tutorial lesson in exercises/{}/README.md shows "
        "the same idea at work.\n",
        exercise.folder);
  progress.hints_shown = shown;
  learn::save_progress(paths, exercise, progress);
  return 0;
}

int solution(const Paths& paths, const learn::Exercise& exercise, bool give_up) {
  if (learn::progress_of(paths, exercise).state != State::passing && !give_up) {
    fmt::print(
        "Exercise {} does not pass yet: make it pass first (`parity learn check {}`), or "
        "ask with --give-up.\n",
        exercise.number, exercise.number);
    return 1;
  }
  std::ifstream in(exercise.solution_file());
  std::stringstream text;
  text << in.rdbuf();
  fmt::print("A solution to exercise {} ({}):\n\n{}", exercise.number,
             exercise.solution_file().string(), text.str());
  return 0;
}

int reset_exercise(const Paths& paths, const learn::Exercise& exercise) {
  auto backup = learn::reset(paths, exercise);
  fmt::print("exercises/{}/exercise.hpp is the starter again. Your version is kept in {}.\n",
             exercise.folder, backup.string());
  return 0;
}

// Checks the exercise each time its file is saved (written and closed, or renamed into place as
// many editors do), until Ctrl-C.
int watch(const Paths& paths, const learn::Exercise& exercise) {
  int fd = ::inotify_init1(IN_CLOEXEC);
  if (fd < 0) throw std::runtime_error("inotify is not available here");
  if (::inotify_add_watch(fd, exercise.dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO) < 0)
    throw std::runtime_error("cannot watch " + exercise.dir.string());
  check(paths, exercise, {});
  for (;;) {
    fmt::print("\nWatching exercises/{}/exercise.hpp: save it to check again (Ctrl-C stops).\n",
               exercise.folder);
    std::fflush(stdout);
    std::array<char, 4096> events{};
    bool saved = false;
    while (!saved) {
      auto n = ::read(fd, events.data(), events.size());
      if (n <= 0) return 0;
      for (long i = 0; i < n;) {
        auto* event = reinterpret_cast<inotify_event*>(events.data() + i);
        if (event->len && std::string_view(event->name) == "exercise.hpp") saved = true;
        i += static_cast<long>(sizeof(inotify_event) + event->len);
      }
    }
    fmt::print("\n");
    check(paths, exercise, {});
  }
}

}  // namespace

Command add_learn_command(CLI::App& app) {
  auto args = std::make_shared<LearnArgs>();
  auto* cmd = app.add_subcommand(
      "learn",
      "The classroom exercises: make each one's tests pass.\n"
      "  parity learn                 the exercises, their state, the next one\n"
      "  parity learn check [NN]      build your exercise.hpp and run its tests\n"
      "  parity learn hint NN         the next hint (three at most)\n"
      "  parity learn solution NN     a model solution, once yours passes (or --give-up)\n"
      "  parity learn watch [NN]      check again each time the file is saved\n"
      "  parity learn reset NN        put the starter back (your file is kept)\n"
      "  parity learn init DIR [NN...] make a project of your own in DIR (or add to one)\n"
      "  parity learn grade DIR...    teachers: check every exercise of each student's project\n"
      "  parity learn verify          teachers and CI: every starter fails, every solution "
      "passes,\n"
      "                               every wrong solution fails with its sentence\n"
      "Inside a project made by `learn init` (any folder under it), the commands work on that\n"
      "project; a `parity` run from its build tree works on its checkout's exercises/.");
  cmd->require_subcommand(0, 1);
  auto* list_cmd = cmd->add_subcommand("list", "The exercises, their state, the next one");
  auto* check_cmd = cmd->add_subcommand("check", "Build your exercise.hpp and run its tests");
  auto* hint_cmd = cmd->add_subcommand("hint", "The next hint for an exercise");
  auto* solution_cmd = cmd->add_subcommand("solution", "A model solution, once yours passes");
  auto* watch_cmd = cmd->add_subcommand("watch", "Check again each time the file is saved");
  auto* reset_cmd = cmd->add_subcommand("reset", "Put the starter back (your file is kept)");
  auto* verify_cmd =
      cmd->add_subcommand("verify",
                          "Every starter fails, every solution passes, every wrong solution fails "
                          "with its sentence");
  auto* init_cmd = cmd->add_subcommand(
      "init", "Make a project of your own: the exercises, a CMakeLists.txt, an editor's set-up");
  init_cmd->add_option("DIR", args->dir, "A new or empty folder, or a project to add exercises to")
      ->required();
  init_cmd->add_option("NN", args->numbers, "Only these exercises (default: all)");
  init_cmd->add_flag("--no-configure", args->no_configure, "Do not run cmake in it yet");
  auto* grade_cmd = cmd->add_subcommand(
      "grade", "Check every exercise of each student's project: a table, JSON, JUnit");
  grade_cmd->add_option("DIR", args->projects, "Students' projects (made by learn init)")
      ->required()
      ->check(CLI::ExistingDirectory);
  grade_cmd->add_option("--build-dir", args->build_dir, "Where to build them, a tree per student")
      ->capture_default_str();
  grade_cmd->add_option("--json", args->json, "Also write the grades as JSON here");
  grade_cmd->add_option("--junit", args->junit, "Also write the grades as JUnit XML here");
  for (auto* sub : {check_cmd, watch_cmd})
    sub->add_option("NN", args->which, "The exercise (default: the next one)");
  for (auto* sub : {hint_cmd, solution_cmd, reset_cmd})
    sub->add_option("NN", args->which, "The exercise")->required();
  solution_cmd->add_flag("--give-up", args->give_up, "Show it even though yours does not pass");
  for (auto* sub : {check_cmd, verify_cmd})
    sub->add_option("--junit", args->junit, "Also write the results as JUnit XML here");
  verify_cmd->add_flag("--no-build", args->no_build, "Use the targets as they are built");
  verify_cmd->add_option("NN", args->numbers, "Only these exercises (default: all)");

  return [=] {
    if (init_cmd->parsed()) return init(*args);
    if (grade_cmd->parsed()) return grade(*args);
    if (verify_cmd->parsed() && data::installed_share())
      throw std::runtime_error(
          "`parity learn verify` checks the exercise set itself, from Parity's checkout: run "
          "build/release/cli/parity learn verify there (in a project, `parity learn check`)");
    auto paths = learn::find_paths(std::filesystem::current_path());
    if (!paths.reference.empty() && (check_cmd->parsed() || watch_cmd->parsed())) {
      if (auto failed = learn::ensure_configured(paths); !failed.empty())
        throw std::runtime_error("cmake could not configure " + paths.build.string() + ": " +
                                 learn::first_error(failed));
    }
    if (check_cmd->parsed()) return check(paths, chosen(paths, args->which), args->junit);
    if (hint_cmd->parsed()) return hint(paths, chosen(paths, args->which));
    if (solution_cmd->parsed()) return solution(paths, chosen(paths, args->which), args->give_up);
    if (reset_cmd->parsed()) return reset_exercise(paths, chosen(paths, args->which));
    if (watch_cmd->parsed()) return watch(paths, chosen(paths, args->which));
    if (verify_cmd->parsed()) {
      std::optional<std::filesystem::path> junit;
      if (!args->junit.empty()) junit = args->junit;
      std::vector<std::string> only;
      for (const auto& which : args->numbers) {
        auto exercise = learn::find_exercise(paths, which);
        if (!exercise)
          throw std::runtime_error("there is no exercise " + which + " (`parity learn` lists them)");
        only.push_back(exercise->number);
      }
      auto verification = learn::verify(paths, !args->no_build, junit, only);
      fmt::print("{}", verification.report);
      return verification.ok ? 0 : 1;
    }
    (void)list_cmd;
    return list(paths);
  };
}

}  // namespace parity::cli
