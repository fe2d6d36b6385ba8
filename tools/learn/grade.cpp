#include "tools/learn/grade.hpp"

#include "common/http/html.hpp"
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
  return static_cast<int>(std::count_if(exercises.begin(), exercises.end(),
                                        [](const ExerciseGrade& e) { return e.mark == Mark::passed; }));
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

std::string first_line(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) return line;
  return {};
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
    g.why = first_line(result.build_output);
  } else if (result.crashed) {
    g.mark = Mark::crashed;
    g.why = first_line(result.crash);
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
    student.name = student.dir.filename().string();
    auto tree = student.name + (seen[student.name]++ ? "-" + std::to_string(seen[student.name]) : "");
    auto build = options.build / tree;
    Paths paths{student.dir, build, share, share};
    std::string why;
    if (!fs::is_directory(student.dir / "exercises")) {
      why = "not an exercises project (no exercises/ folder)";
    } else {
      progress(fmt::format("{}: configuring in {}", student.name, build.string()));
      std::string output;
      if (!configure_project(share, student.dir, build, output, share / "learn" / "project"))
        why = "cmake could not configure it: " + first_line(output);
    }
    for (const auto& exercise : shipped) {
      if (!why.empty()) {
        student.exercises.push_back({exercise.number, Mark::missing, 0, 0, why});
        continue;
      }
      if (fs::exists(student.dir / "exercises" / exercise.folder / "exercise.hpp"))
        progress(fmt::format("{}: exercise {}", student.name, exercise.number));
      student.exercises.push_back(grade_one(paths, exercise));
    }
    if (!why.empty()) progress(student.name + ": " + why);
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
  for (const auto& s : grades) {
    out += fmt::format("{:<{}}", s.name, width);
    for (const auto& e : s.exercises) {
      std::string cell = e.mark == Mark::passed           ? "pass"
                         : e.mark == Mark::failed || e.mark == Mark::crashed
                             ? fmt::format("{}/{}", e.parts_passed, e.parts)
                         : e.mark == Mark::starter        ? "start"
                         : e.mark == Mark::does_not_build ? "build"
                                                          : "-";
      out += fmt::format("  {:>5}", cell);
    }
    out += fmt::format("  {:>3} of {}\n", s.passed(), s.exercises.size());
  }
  out +=
      "\npass: every part passes; k/n: k of its n parts pass; start: still the starter (never "
      "counted);\nbuild: does not compile; -: not in the project.\n";
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
                           {"why", e.why}});
    students.push_back({{"student", s.name},
                        {"dir", s.dir.string()},
                        {"passed", s.passed()},
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
          passed ? "" : "<failure message=\"" + http::escape_html(to_string(e.mark) + (e.why.empty() ? "" : ": " + e.why)) + "\"/>");
    }
    suites += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\">\n{}  </testsuite>\n",
                          http::escape_html(s.name), s.exercises.size(), failures, cases);
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n" + suites + "</testsuites>\n";
}

}  // namespace parity::learn
