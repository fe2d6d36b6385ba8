#pragma once
// `parity learn grade DIR...`: the teacher's view of a class. Each student's project is built
// from Parity's own template and tests (never the student's CMakeLists.txt or test.cpp), in a
// build tree of the teacher's, and each exercise's tests run as `parity learn check` runs them.
// An exercise.hpp that is still the starter is not built: it never counts as passed.

#include "tools/learn/learn.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace parity::learn {

enum class Mark { passed, failed, starter, does_not_build, crashed, missing };
std::string to_string(Mark mark);

struct ExerciseGrade {
  std::string number;
  Mark mark = Mark::missing;
  int parts_passed = 0;
  int parts = 0;
  std::string why;  // the first failing part's sentence, the crash, or the compiler's first error
  bool is_the_solution = false;  // exercise.hpp is the shipped model solution, verbatim
};

struct StudentGrade {
  std::string name;  // the project folder's name ("bob (2)" for a second folder named bob)
  std::filesystem::path dir;
  std::vector<ExerciseGrade> exercises;  // every exercise Parity ships, in order
  std::string problem;  // why none could be graded (not a project, cmake failed), else ""
  int passed() const;
  int present() const;  // the exercises in the project
};

struct GradeOptions {
  std::vector<std::filesystem::path> projects;
  std::filesystem::path build;  // the teacher's: one build tree per student under it
};

// `share` is the installed Parity's share/parity. `progress` hears a line per step.
std::vector<StudentGrade> grade(const std::filesystem::path& share, const GradeOptions& options,
                                const std::function<void(const std::string&)>& progress);

std::string grade_table(const std::vector<StudentGrade>& grades);
std::string grade_json(const std::vector<StudentGrade>& grades);
std::string grade_junit(const std::vector<StudentGrade>& grades);

}  // namespace parity::learn
