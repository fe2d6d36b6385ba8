#include "tools/learn/grade.hpp"

#include "common/http/web/html.hpp"
#include "tools/learn/project.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>

namespace parity::learn {
namespace fs = std::filesystem;
namespace json = boost::json;

std::string to_string(Mark mark) {
  switch (mark) {
    case Mark::passed:
      return "passed";
    case Mark::failed:
      return "failed";
    case Mark::starter:
      return "starter";
    case Mark::does_not_build:
      return "does not build";
    case Mark::crashed:
      return "crashed";
    case Mark::missing:
      break;
  }
  return "missing";
}

int StudentGrade::passed() const {
  return static_cast<int>(
      std::count_if(exercises.begin(), exercises.end(),
                    [](const ExerciseGrade& e) { return e.mark == Mark::passed; }));
}

int StudentGrade::present() const {
  return static_cast<int>(
      std::count_if(exercises.begin(), exercises.end(),
                    [](const ExerciseGrade& e) { return e.mark != Mark::missing; }));
}

namespace {

// The file's text without its whitespace: a starter re-indented or saved with other line ends
// is still the starter.
std::string without_spaces(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string out;
  for (char c; in.get(c);)
    if (!std::isspace(static_cast<unsigned char>(c))) out += c;
  return out;
}

ExerciseGrade grade_one(const Paths& paths, const Exercise& shipped) {
  ExerciseGrade g{shipped.number};
  auto dir = paths.source / "exercises" / shipped.folder;
  if (!fs::exists(dir / "exercise.hpp")) return g;  // missing
  if (without_spaces(dir / "exercise.hpp") == without_spaces(shipped.starter_file())) {
    g.mark = Mark::starter;
    g.why = "exercise.hpp is the starter, untouched";
    return g;
  }
  g.is_the_solution =
      without_spaces(dir / "exercise.hpp") == without_spaces(shipped.solution_file());
  Exercise exercise = shipped;
  exercise.dir = dir;
  auto result = check(paths, exercise, Version::student);
  g.parts = static_cast<int>(result.parts.size());
  for (const auto& part : result.parts) {
    g.parts_passed += part.passed;
    if (!part.passed && g.why.empty()) g.why = part.name + ": " + part.message;
  }
  if (!result.built) {
    g.mark = Mark::does_not_build;
    g.why = first_error(result.build_output);
  } else if (result.crashed) {
    g.mark = Mark::crashed;
    g.why = first_error(result.crash);
  } else {
    g.mark = result.passed() ? Mark::passed : Mark::failed;
  }
  return g;
}

}  // namespace

std::vector<StudentGrade> grade(const fs::path& share, const GradeOptions& options,
                                const std::function<void(const std::string&)>& progress) {
  auto shipped = exercises(Paths{share, {}, share, share});
  std::vector<StudentGrade> grades;
  std::map<std::string, int> seen;  // two students' folders of the same name get two trees
  for (const auto& given : options.projects) {
    StudentGrade student;
    std::error_code ec;
    student.dir = fs::weakly_canonical(given, ec);
    auto name = student.dir.filename().string();
    int nth = ++seen[name];
    student.name = nth == 1 ? name : fmt::format("{} ({})", name, nth);
    auto build = options.build / (nth == 1 ? name : fmt::format("{}-{}", name, nth));
    Paths paths{student.dir, build, share, share};
    if (!fs::is_directory(student.dir / "exercises")) {
      student.problem = "not an exercises project (it has no exercises/ folder)";
    } else {
      progress(fmt::format("{}: configuring in {}", student.name, build.string()));
      std::string output;
      if (!configure_project(share, student.dir, build, output, share / "learn" / "project"))
        student.problem = "cmake could not configure it: " + first_error(output);
    }
    for (const auto& exercise : shipped) {
      if (!student.problem.empty()) {
        student.exercises.push_back({exercise.number, Mark::missing, 0, 0, student.problem});
        continue;
      }
      auto grade = grade_one(paths, exercise);
      if (grade.mark != Mark::missing && grade.mark != Mark::starter)
        progress(fmt::format("{}: exercise {}: {}", student.name, exercise.number,
                             to_string(grade.mark)));
      student.exercises.push_back(std::move(grade));
    }
    if (!student.problem.empty()) progress(student.name + ": " + student.problem);
    grades.push_back(std::move(student));
  }
  return grades;
}

std::string grade_table(const std::vector<StudentGrade>& grades) {
  if (grades.empty()) return {};
  std::size_t width = 7;
  for (const auto& s : grades) width = std::max(width, s.name.size());
  std::string out = fmt::format("{:<{}}", "student", width);
  for (const auto& e : grades.front().exercises) out += fmt::format("  {:>5}", e.number);
  out += "  passed\n";
  bool copied = false;
  for (const auto& s : grades) {
    out += fmt::format("{:<{}}", s.name, width);
    if (!s.problem.empty()) {
      out += "  " + s.problem + "\n";
      continue;
    }
    for (const auto& e : s.exercises) {
      std::string cell = e.mark == Mark::passed ? (e.is_the_solution ? "pass*" : "pass")
                         : e.mark == Mark::failed || e.mark == Mark::crashed
                             ? fmt::format("{}/{}", e.parts_passed, e.parts)
                         : e.mark == Mark::starter        ? "start"
                         : e.mark == Mark::does_not_build ? "build"
                                                          : "-";
      copied = copied || (e.mark == Mark::passed && e.is_the_solution);
      out += fmt::format("  {:>5}", cell);
    }
    out += fmt::format("  {:>3} of {}\n", s.passed(), s.present());
  }
  out +=
      "\npass: every part passes; k/n: k of its n parts pass; start: still the starter (never "
      "counted);\nbuild: does not compile; -: not in the project. passed: of the exercises in "
      "the project.\n";
  if (copied) out += "pass*: exercise.hpp is the model solution as shipped, word for word.\n";
  return out;
}

std::string grade_json(const std::vector<StudentGrade>& grades) {
  json::array students;
  for (const auto& s : grades) {
    json::array exercises;
    for (const auto& e : s.exercises)
      exercises.push_back({{"exercise", e.number},
                           {"mark", to_string(e.mark)},
                           {"passed", e.mark == Mark::passed},
                           {"parts_passed", e.parts_passed},
                           {"parts", e.parts},
                           {"why", e.why},
                           {"is_the_solution", e.is_the_solution}});
    students.push_back({{"student", s.name},
                        {"dir", s.dir.string()},
                        {"passed", s.passed()},
                        {"present", s.present()},
                        {"problem", s.problem},
                        {"exercises", std::move(exercises)}});
  }
  return json::serialize(json::object{{"students", std::move(students)}}) + "\n";
}

std::string grade_junit(const std::vector<StudentGrade>& grades) {
  std::string suites;
  for (const auto& s : grades) {
    std::string cases;
    int failures = 0;
    for (const auto& e : s.exercises) {
      bool passed = e.mark == Mark::passed;
      failures += !passed;
      cases += fmt::format(
          "    <testcase classname=\"students.{}\" name=\"exercise {}\">{}</testcase>\n",
          http::escape_html(s.name), e.number,
          passed ? ""
                 : "<failure message=\"" +
                       http::escape_html(to_string(e.mark) + (e.why.empty() ? "" : ": " + e.why)) +
                       "\"/>");
    }
    suites +=
        fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\">\n{}  </testsuite>\n",
                    http::escape_html(s.name), s.exercises.size(), failures, cases);
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n" + suites + "</testsuites>\n";
}

}  // namespace parity::learn
