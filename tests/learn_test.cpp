// `parity learn`'s parts that do not need a build: reading a gtest report in plain words, hints
// one at a time, progress kept in the build tree, reset keeping the student's file. (Building
// and running every starter, solution and wrong solution is the ctest
// Exercises.StartersFailSolutionsPassWrongSolutionsFailWithTheirSentence.)

#include "tools/learn/learn.hpp"
#include "tools/learn/grade.hpp"
#include "tools/learn/project.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

namespace parity::learn {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A checkout with one exercise, and a build tree, both temporary.
class LearnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root = fs::temp_directory_path() /
           ("parity-learn-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root);
    auto dir = root / "source" / "exercises" / "07_a_thing";
    fs::create_directories(dir / "starter");
    fs::create_directories(dir / "solution");
    std::ofstream(dir / "README.md") << "# Exercise 07 · A thing to do\n";
    std::ofstream(dir / "starter" / "exercise.hpp") << "// starter\n";
    std::ofstream(dir / "solution" / "exercise.hpp") << "// solution\n";
    std::ofstream(dir / "exercise.hpp") << "// the student's work\n";
    std::ofstream(dir / "hints.md")
        << "# Hints\n\n## Hint 1\nFirst.\n\n## Hint 2\nSecond,\non two lines.\n";
    fs::create_directories(root / "source" / "exercises" / "support");  // not an exercise
    paths = {root / "source", root / "build"};
  }
  void TearDown() override { fs::remove_all(root); }
  fs::path root;
  Paths paths;
};

TEST_F(LearnTest, FindsExercisesByNumberOrFolderAndReadsTheirTitle) {
  auto all = exercises(paths);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].number, "07");
  EXPECT_EQ(all[0].title, "A thing to do");
  EXPECT_TRUE(find_exercise(paths, "7"));
  EXPECT_TRUE(find_exercise(paths, "07_a_thing"));
  EXPECT_FALSE(find_exercise(paths, "08"));
}

TEST_F(LearnTest, HintsComeInOrderOnePerSection) {
  auto all = hints(*find_exercise(paths, "07"));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0], "First.");
  EXPECT_EQ(all[1], "Second,\non two lines.");
}

TEST_F(LearnTest, ProgressIsKeptInTheBuildTreeNotInTheCheckout) {
  auto exercise = *find_exercise(paths, "07");
  EXPECT_EQ(progress_of(paths, exercise).state, State::not_started);
  save_progress(paths, exercise, {State::passing, 2});
  auto progress = progress_of(paths, exercise);
  EXPECT_EQ(progress.state, State::passing);
  EXPECT_EQ(progress.hints_shown, 2);
  EXPECT_TRUE(fs::exists(root / "build" / "learn" / "progress.json"));
  EXPECT_EQ(read(exercise.student_file()), "// the student's work\n");
}

TEST_F(LearnTest, ResetPutsTheStarterBackAndKeepsTheStudentsFile) {
  auto exercise = *find_exercise(paths, "07");
  save_progress(paths, exercise, {State::failing, 1});
  auto backup = reset(paths, exercise);
  EXPECT_EQ(read(exercise.student_file()), "// starter\n");
  EXPECT_EQ(read(backup), "// the student's work\n");
  EXPECT_EQ(backup.parent_path(), root / "build" / "learn" / "backups");
  EXPECT_EQ(progress_of(paths, exercise).state, State::not_started);
  EXPECT_EQ(progress_of(paths, exercise).hints_shown, 1);  // hints seen stay seen
}

TEST(LearnReport, GivesEachPartAndTheFailureInPlainWords) {
  auto parts = parts_from_gtest_json(R"({"testsuites": [{"name": "Exercise01", "testsuite": [
      {"name": "Part2_TwoAtOnce", "failures": [
          {"failure": "/x/test.cpp:7\nFailed\nthe two requests never met\n", "type": ""},
          {"failure": "/x/test.cpp:9\nFailed\na second failure\n", "type": ""}]},
      {"name": "Part1_TheAnswer"}]}]})");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].name, "Part1_TheAnswer");
  EXPECT_TRUE(parts[0].passed);
  EXPECT_FALSE(parts[1].passed);
  EXPECT_EQ(parts[1].message, "the two requests never met");
}

TEST(LearnReport, ACheckThatBuiltAndPassedEveryPartPasses) {
  CheckResult result;
  result.built = true;
  EXPECT_FALSE(result.passed());  // no parts ran: nothing passed
  result.parts = {{"Part1_A", true, "", 0}};
  EXPECT_TRUE(result.passed());
  result.crashed = true;
  EXPECT_FALSE(result.passed());
}

TEST(LearnReport, EveryFailingPartGivesItsReasonNotOnlyTheFirst) {
  CheckResult result;
  result.built = true;
  result.parts = {{"Part1_A", false, "reason one", 0.1},
                  {"Part2_B", true, "", 0.2},
                  {"Part3_C", false, "reason three", 0.3}};
  auto text = describe({"01", "01_x", "X", {}}, result);
  EXPECT_NE(text.find("FAIL Part1"), std::string::npos) << text;
  EXPECT_NE(text.find("reason one"), std::string::npos) << text;
  EXPECT_NE(text.find("reason three"), std::string::npos) << text;
  EXPECT_NE(text.find("1 of 3 parts pass."), std::string::npos) << text;
}

TEST(LearnReport, AReasonIsWrappedToTheWidthUnderItsPart) {
  CheckResult result;
  result.built = true;
  std::string reason;
  for (int i = 0; i < 30; ++i) reason += "word" + std::to_string(i) + " ";
  result.parts = {{"Part1_A", false, reason, 0.1}};
  auto text = describe({"01", "01_x", "X", {}}, result, 60);
  std::istringstream lines(text);
  int reason_lines = 0;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_LE(line.size(), 60u) << line;
    if (line.find("word") != std::string::npos) {
      EXPECT_TRUE(line.starts_with("           word")) << line;
      ++reason_lines;
    }
  }
  EXPECT_GT(reason_lines, 1) << text;
}

TEST(LearnReport, APartThatFailedWithoutASentenceSaysSo) {
  auto parts = parts_from_gtest_json(R"({"testsuites": [{"name": "E", "testsuite": [
      {"name": "Part1_A", "time": "0.25s", "failures": [{"failure": "", "type": ""}]}]}]})");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_FALSE(parts[0].passed);
  EXPECT_NE(parts[0].message.find("without saying why"), std::string::npos);
  EXPECT_DOUBLE_EQ(parts[0].seconds, 0.25);
}

TEST(LearnReport, TheJUnitOfACheckHasAPartPerCaseWithItsTimeAndReason) {
  CheckResult result;
  result.built = true;
  result.seconds = 0.5;
  result.parts = {{"Part1_A", true, "", 0.125}, {"Part2_B", false, "it <blocked>", 0.25}};
  auto xml = junit_of({"01", "01_x", "X", {}}, result);
  EXPECT_NE(xml.find(R"(tests="2" failures="1")"), std::string::npos) << xml;
  EXPECT_NE(xml.find(R"(name="Part1_A" time="0.125")"), std::string::npos) << xml;
  EXPECT_NE(xml.find(R"(message="it &lt;blocked&gt;")"), std::string::npos) << xml;
}

TEST(LearnCrash, ASignalIsNamedWithTheFirstLineOfTheReportAndTheServersComplaint) {
  auto text = explain_crash(128 + 6, false,
                            "[ RUN      ] Exercise01.Part2\n"
                            "[E 261201 10:00:00 http] GET /fetch (route /fetch, X): the handler "
                            "was let go of without finish() being called; answered 500\n"
                            "free(): double free detected in tcache 2\n",
                            "void get() {}");
  EXPECT_NE(text.find("signal 6 (Aborted)"), std::string::npos) << text;
  EXPECT_NE(text.find("It said: free(): double free detected in tcache 2"), std::string::npos)
      << text;
  EXPECT_NE(text.find("let go of without finish()"), std::string::npos) << text;
  EXPECT_NE(text.find("async_callback(...)"), std::string::npos) << text;
  EXPECT_EQ(text.find("GCC 12"), std::string::npos) << text;
}

TEST(LearnCrash, ACoAwaitOverABracedTemporaryGetsGcc12sRuleAndTheFix) {
  auto text =
      explain_crash(128 + 11, false, "",
                    "auto r = co_await client->async_fetch({\"GET\", url}, {}, use_awaitable);");
  EXPECT_NE(text.find("signal 11"), std::string::npos) << text;
  EXPECT_NE(text.find("GCC 12"), std::string::npos) << text;
  EXPECT_NE(text.find("http::FetchRequest request{\"GET\", url};"), std::string::npos) << text;
}

TEST(LearnCrash, AHangSaysItRanPastTheLimitAndWhichPartHung) {
  auto text = explain_crash(128 + 9, true,
                            "[ RUN      ] Exercise16.Part1_Ready\n[       OK ] Exercise16.Part1_Ready"
                            "\n[ RUN      ] Exercise16.Part2_TwoSleepers\n",
                            "");
  EXPECT_NE(text.find("ran past 60 s and were stopped during Part2_TwoSleepers"),
            std::string::npos)
      << text;
}

// Never "killed by signal 11" alone: which part, what signal, and what most often causes it.
TEST(LearnCrash, ASegfaultNamesThePartThatRanAndTheLikelyCause) {
  auto text = explain_crash(128 + 11, false,
                            "[ RUN      ] Exercise16.Part1_Ready\n[       OK ] Exercise16.Part1_Ready"
                            "\n[ RUN      ] Exercise16.Part4_TwoSleepersAtOnce\n",
                            "void get() {}");
  EXPECT_NE(text.find("signal 11 (Segmentation fault) during Part4_TwoSleepersAtOnce"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("a coroutine resumed or destroyed after its frame was gone"),
            std::string::npos)
      << text;
}

TEST(LearnCrash, TerminateIsToldAsAnExceptionThatLeftANoexceptFunction) {
  auto text = explain_crash(128 + 6, false,
                            "terminate called after throwing an instance of 'std::runtime_error'\n",
                            "");
  EXPECT_NE(text.find("std::terminate ran: an exception left a noexcept function"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find(" during "), std::string::npos) << text;
}

TEST_F(LearnTest, WrongSolutionsAreReadWithTheirMistakeAndSentence) {
  auto dir = root / "source" / "exercises" / "07_a_thing" / "wrong";
  fs::create_directories(dir);
  std::ofstream(dir / "b_second.patch") << "#pragma once\n// Mistake: it blocks\n"
                                      << "// Fails with: is the handler still\n// blocking\n\n"
                                      << "// not part of it\n";
  std::ofstream(dir / "a_first.patch") << "// Mistake: m\n// Fails with: s\n";
  std::ofstream(dir / "notes.txt") << "not a wrong solution\n";
  auto wrongs = wrong_solutions(*find_exercise(paths, "07"));
  ASSERT_EQ(wrongs.size(), 2u);
  EXPECT_EQ(wrongs[0].name, "a_first");
  EXPECT_EQ(wrongs[1].name, "b_second");
  EXPECT_EQ(wrongs[1].mistake, "it blocks");
  EXPECT_EQ(wrongs[1].sentence, "is the handler still blocking");
}

// A student's project (learn init) made from a shipped set with one exercise, not configured.
TEST_F(LearnTest, InitCopiesTheStarterAsTheStudentsFileAndKeepsTheSolutionOut) {
  auto share = root / "source";
  fs::create_directories(share / "learn" / "project");
  std::ofstream(share / "learn" / "project" / "CMakeLists.txt") << "# template\n";
  std::ofstream(share / "learn" / "project" / "README.md") << "# project\n";
  std::ofstream(share / "exercises" / "07_a_thing" / "test.cpp") << "// tests\n";
  auto project = root / "student";
  init_project(share, {project, {}, false});
  auto dir = project / "exercises" / "07_a_thing";
  EXPECT_EQ(read(dir / "exercise.hpp"), "// starter\n");
  EXPECT_EQ(read(dir / "test.cpp"), "// tests\n");
  EXPECT_FALSE(fs::exists(dir / "solution"));
  EXPECT_TRUE(fs::exists(project / ".clangd"));
  // Found from anywhere inside it, and graded against the shipped copies.
  ASSERT_EQ(project_around(dir), fs::canonical(project));
  EXPECT_FALSE(project_around(root / "source"));
  // Again on the project: the student's file is kept, nothing is added twice.
  std::ofstream(dir / "exercise.hpp") << "// mine\n";
  EXPECT_NE(init_project(share, {project, {"7"}, false}).find("Added 0 exercises"),
            std::string::npos);
  EXPECT_EQ(read(dir / "exercise.hpp"), "// mine\n");
  // Refused, having written nothing: inside a project, a folder of other things, an unknown or
  // malformed number.
  EXPECT_THROW(init_project(share, {dir, {}, false}), std::runtime_error);
  fs::create_directories(root / "notes");
  std::ofstream(root / "notes" / "todo.txt") << "x\n";
  EXPECT_THROW(init_project(share, {root / "notes", {}, false}), std::runtime_error);
  for (const char* wrong : {"09", "077", "x7"})
    EXPECT_THROW(init_project(share, {root / "other", {wrong}, false}), std::runtime_error)
        << wrong;
  EXPECT_FALSE(fs::exists(root / "other"));
}

TEST(LearnGrade, TheTableHasARowPerStudentAndACellPerExercise) {
  std::vector<StudentGrade> grades{
      {"alice", "/a", {{"01", Mark::passed, 4, 4, ""}, {"02", Mark::failed, 2, 3, "Part3: no"}}},
      {"bob", "/b", {{"01", Mark::starter, 0, 0, ""}, {"02", Mark::missing, 0, 0, ""}}}};
  auto table = grade_table(grades);
  EXPECT_NE(table.find("alice     pass    2/3    1 of 2"), std::string::npos) << table;
  EXPECT_NE(table.find("bob      start      -    0 of 1"), std::string::npos) << table;
  auto json = grade_json(grades);
  EXPECT_NE(json.find(R"("mark":"starter","passed":false)"), std::string::npos) << json;
  auto junit = grade_junit(grades);
  EXPECT_NE(junit.find(R"(<testsuite name="bob" tests="2" failures="2">)"), std::string::npos)
      << junit;
}

}  // namespace
}  // namespace parity::learn
