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

// The sanitizers' reports, as they print them (real runs, shortened), told in a sentence.
// AddressSanitizer, exercise 16's mistake of resuming the handle and then destroying it.
const char* const kCoroutineUsedAfterDestroy = R"(=================================================================
==950==ERROR: AddressSanitizer: heap-use-after-free on address 0x606000000028 at pc 0x5617267294be bp 0x7ffe784f2eb0 sp 0x7ffe784f2ea8
READ of size 8 at 0x606000000028 thread T0
    #0 0x5617267294bd in std::__n4861::coroutine_handle<Task::promise_type>::operator bool() const /usr/include/c++/12/coroutine:236
    #1 0x5617267294bd in Task::~Task() /work/after/exercises/16_a_timer_awaiter/test.cpp:2
    #2 0x561726728524 in main /work/after/exercises/16_a_timer_awaiter/test.cpp:4
    #3 0x7f784fa45249 in __libc_start_call_main ../sysdeps/nptl/libc_start_call_main.h:58

0x606000000028 is located 8 bytes inside of 64-byte region [0x606000000020,0x606000000060)
freed by thread T0 here:
    #0 0x7f78508b9f08 in operator delete(void*) ../../../../src/libsanitizer/asan/asan_new_delete.cpp:152
    #1 0x56172672803a in sleeper /work/after/exercises/16_a_timer_awaiter/test.cpp:3
    #2 0x5617267285f6 in sleeper /work/after/exercises/16_a_timer_awaiter/test.cpp:3
    #3 0x561726728709 in std::__n4861::coroutine_handle<void>::destroy() const /usr/include/c++/12/coroutine:137
    #4 0x561726728709 in exercise::SleepFor::await_suspend(std::__n4861::coroutine_handle<void>)::{lambda()#1}::operator()() const /work/after/exercises/16_a_timer_awaiter/exercise.hpp:13
    #5 0x561726728709 in void std::__invoke_impl<void, exercise::SleepFor::await_suspend(std::__n4861::coroutine_handle<void>)::{lambda()#1}&>(std::__invoke_other, exercise::SleepFor::await_suspend(std::__n4861::coroutine_handle<void>)::{lambda()#1}&) /usr/include/c++/12/bits/invoke.h:61
    #6 0x561726728709 in std::_Function_handler<void (), exercise::SleepFor::await_suspend(std::__n4861::coroutine_handle<void>)::{lambda()#1}>::_M_invoke(std::_Any_data const&) /usr/include/c++/12/bits/std_function.h:290
    #7 0x56172672936d in exercise::Loop::run() /work/after/exercises/16_a_timer_awaiter/exercise.hpp:6

previously allocated by thread T0 here:
    #0 0x7f78508b94c8 in operator new(unsigned long) ../../../../src/libsanitizer/asan/asan_new_delete.cpp:95
    #1 0x561726728197 in sleeper(exercise::Loop&) /work/after/exercises/16_a_timer_awaiter/test.cpp:3

SUMMARY: AddressSanitizer: heap-use-after-free /usr/include/c++/12/coroutine:236 in std::__n4861::coroutine_handle<Task::promise_type>::operator bool() const
Shadow bytes around the buggy address:
)";

// ThreadSanitizer, exercise 09's mistake of reading `done` before taking the lock.
const char* const kDataRace = R"(==================
WARNING: ThreadSanitizer: data race (pid=995)
  Read of size 1 at 0x7ffd150f9048 by main thread:
    #0 exercise::IntFuture::add_done_callback(std::function<void ()>) /work/after/exercises/09_a_future_by_hand/exercise.hpp:14 (r+0x1aa2)
    #1 main /work/after/exercises/09_a_future_by_hand/test.cpp:3 (r+0x14f9)

  Previous write of size 1 at 0x7ffd150f9048 by thread T1 (mutexes: write M9):
    #0 exercise::IntFuture::set_result(int) /work/after/exercises/09_a_future_by_hand/exercise.hpp:11 (r+0x13c1)
    #1 operator() /work/after/exercises/09_a_future_by_hand/test.cpp:3 (r+0x13c1)
    #2 __invoke_impl<void, main()::<lambda()> > /usr/include/c++/12/bits/invoke.h:61 (r+0x13c1)
    #7 <null> <null> (libstdc++.so.6+0xd44a2)

  Location is stack of main thread.

  Mutex M9 (0x7ffd150f9020) created at:
    #0 pthread_mutex_lock ../../../../src/libsanitizer/sanitizer_common/sanitizer_common_interceptors.inc:4324 (libtsan.so.2+0x558e1)
    #4 exercise::IntFuture::set_result(int) /work/after/exercises/09_a_future_by_hand/exercise.hpp:9 (r+0x13a4)

  Thread T1 (tid=997, finished) created by main thread at:
    #0 pthread_create ../../../../src/libsanitizer/tsan/tsan_interceptors_posix.cpp:1001 (libtsan.so.2+0x5e686)
    #1 std::thread::_M_start_thread(std::unique_ptr<std::thread::_State, std::default_delete<std::thread::_State> >, void (*)()) <null> (libstdc++.so.6+0xd4578)

SUMMARY: ThreadSanitizer: data race /work/after/exercises/09_a_future_by_hand/exercise.hpp:14 in exercise::IntFuture::add_done_callback(std::function<void ()>)
==================
)";

TEST(LearnSanitizer, ACoroutineFrameUsedAfterItWasDestroyedNamesWhereTheStudentDestroyedIt) {
  auto report = read_sanitizer_report(kCoroutineUsedAfterDestroy, "exercise.hpp");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->sanitizer, "AddressSanitizer");
  EXPECT_EQ(report->kind, "heap-use-after-free");
  EXPECT_EQ(report->sentence,
            "a coroutine's frame was used after it was destroyed (heap-use-after-free), destroyed "
            "in `SleepFor::await_suspend`'s callback (exercise.hpp:13)");
}

TEST(LearnSanitizer, ADataRaceNamesItsTwoAccessesInTheStudentsFile) {
  auto report = read_sanitizer_report(kDataRace, "exercise.hpp");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->sanitizer, "ThreadSanitizer");
  EXPECT_EQ(report->kind, "data race");
  EXPECT_EQ(report->sentence,
            "two threads used the same memory at once, one writing, with nothing ordering them "
            "(data race): read in `IntFuture::add_done_callback` (exercise.hpp:14), and written "
            "in `IntFuture::set_result` (exercise.hpp:11)");
}

// GCC 14's ThreadSanitizer ends a frame with the binary's build id; the frame is read the same.
TEST(LearnSanitizer, AFrameEndingWithItsBuildIdIsReadAsAnyOther) {
  std::string with_ids;
  std::istringstream lines(kDataRace);
  for (std::string line; std::getline(lines, line);)
    with_ids += line + (line.find(" #") != std::string::npos ? " (BuildId: b7652f62efa2)\n" : "\n");
  auto report = read_sanitizer_report(with_ids, "exercise.hpp");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->sentence, read_sanitizer_report(kDataRace, "exercise.hpp")->sentence);
  EXPECT_NE(report->sentence.find("read in `IntFuture::add_done_callback` (exercise.hpp:14)"),
            std::string::npos)
      << report->sentence;
}

// Not in the student's file: the first frame outside the sanitizer and the libraries.
TEST(LearnSanitizer, ElsewhereTheFirstFrameOutsideTheLibrariesIsNamed) {
  auto report = read_sanitizer_report(kCoroutineUsedAfterDestroy, "other.hpp");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->sentence,
            "a coroutine's frame was used after it was destroyed (heap-use-after-free) in "
            "`Task::~Task` (test.cpp:2)");
}

TEST(LearnSanitizer, ALocalKeptByALambdaPastItsFunctionIsNamedWithItsVariable) {
  auto report = read_sanitizer_report(R"(=================================================================
==1504==ERROR: AddressSanitizer: stack-use-after-return on address 0x7f3ada400030 at pc 0x5640c610941f bp 0x7fff58157fc0 sp 0x7fff58157fb8
READ of size 4 at 0x7f3ada400030 thread T0
    #0 0x5640c610941e in operator() /work/after/exercises/10_wrap_a_callback_api/exercise.hpp:7
    #1 0x5640c610941e in __invoke_impl<void, exercise::async_lookup(int)::<lambda()>&> /usr/include/c++/12/bits/invoke.h:61
    #4 0x5640c6109f68 in std::function<void ()>::operator()() const /usr/include/c++/12/bits/std_function.h:591
    #5 0x5640c6109f68 in main /work/after/exercises/10_wrap_a_callback_api/test.cpp:10

Address 0x7f3ada400030 is located in stack of thread T0 at offset 48 in frame
    #0 0x5640c610961c in exercise::async_lookup(int) /work/after/exercises/10_wrap_a_callback_api/exercise.hpp:5

  This frame has 9 object(s):
    [48, 52) 'copy' (line 6) <== Memory access at offset 48 is inside this variable
    [64, 72) '<unknown>'
HINT: this may be a false positive if your program uses some custom stack unwind mechanism, swapcontext or vfork
SUMMARY: AddressSanitizer: stack-use-after-return /work/after/exercises/10_wrap_a_callback_api/exercise.hpp:7 in operator()
)",
                                      "exercise.hpp");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->sentence,
            "`copy`, a local variable of `async_lookup`, was used after that function had "
            "returned (stack-use-after-return) in a lambda (exercise.hpp:7): a reference or "
            "pointer to it outlived it, as a lambda's capture by reference does when the lambda "
            "runs later");
}

TEST(LearnSanitizer, ALeakSaysHowMuchAndWhereItWasAllocated) {
  auto report = read_sanitizer_report(R"(
=================================================================
==1485==ERROR: LeakSanitizer: detected memory leaks

Direct leak of 40 byte(s) in 1 object(s) allocated from:
    #0 0x7f83ddcb94c8 in operator new(unsigned long) ../../../../src/libsanitizer/asan/asan_new_delete.cpp:95
    #1 0x55675d983717 in sleeper() /work/after/exercises/16_a_timer_awaiter/test.cpp:7
    #2 0x55675d983818 in main /work/after/exercises/16_a_timer_awaiter/test.cpp:8

SUMMARY: AddressSanitizer: 40 byte(s) leaked in 1 allocation(s).
)",
                                      "exercise.hpp");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->sanitizer, "LeakSanitizer");
  EXPECT_EQ(report->sentence,
            "memory was never freed: 40 byte(s) in 1 object(s) (a leak, LeakSanitizer), allocated "
            "in `sleeper` (test.cpp:7)");
}

TEST(LearnSanitizer, UndefinedBehaviourIsQuotedAndAPlainRunHasNoReport) {
  auto report = read_sanitizer_report(
      "[ RUN      ] Exercise09.Part7\n"
      "/work/after/exercises/09_a_future_by_hand/exercise.hpp:44:13: runtime error: load of value "
      "190, which is not a valid value for type 'bool'\n",
      "exercise.hpp");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->sentence,
            "undefined behaviour: load of value 190, which is not a valid value for type 'bool' "
            "(UndefinedBehaviorSanitizer) in exercise.hpp:44");
  EXPECT_FALSE(read_sanitizer_report("[ RUN      ] E.Part1\n[  FAILED  ] E.Part1\n"
                                     "ThreadSanitizer: reported 0 warnings\n",
                                     "exercise.hpp"));
}

// A crash says what the sanitized run found, not only the signal.
TEST(LearnSanitizer, ACrashIsDescribedWithTheSanitizersPart) {
  CheckResult result;
  result.built = true;
  result.crashed = true;
  result.crash = "The tests were killed by signal 11 (Segmentation fault) during Part2.\n";
  result.parts = {{"Sanitizer_AddressSanitizer", false, "memory was used after it was freed", 0}};
  auto text = describe({"16", "16_x", "X", {}}, result);
  EXPECT_NE(text.find("FAIL Sanitizer_AddressSanitizer\n           memory was used after it was "
                      "freed"),
            std::string::npos)
      << text;
}

TEST_F(LearnTest, WrongSolutionsAreReadWithTheirMistakeAndSentence) {
  auto dir = root / "source" / "exercises" / "07_a_thing" / "wrong";
  fs::create_directories(dir);
  std::ofstream(dir / "b_second.patch") << "#pragma once\n// Mistake: it blocks\n"
                                      << "// Fails with: is the handler still\n// blocking\n\n"
                                      << "// not part of it\n";
  std::ofstream(dir / "a_first.patch") << "// Mistake: m\n// Fails with: s\n";
  std::ofstream(dir / "notes.txt") << "not a wrong solution\n";
  std::ofstream(dir / "a_first.hpp") << "// Mistake: a whole copy is no wrong solution\n";
  // One that only a sanitizer catches.
  std::ofstream(dir / "c_third.patch") << "// Mistake: a race\n// Fails with: two threads\n"
                                          "// Caught by: tsan\n";
  auto wrongs = wrong_solutions(*find_exercise(paths, "07"));
  ASSERT_EQ(wrongs.size(), 3u);
  EXPECT_EQ(wrongs[0].name, "a_first");
  EXPECT_EQ(wrongs[0].mistake, "m");
  EXPECT_EQ(wrongs[1].name, "b_second");
  EXPECT_EQ(wrongs[1].mistake, "it blocks");
  EXPECT_EQ(wrongs[1].sentence, "is the handler still blocking");
  EXPECT_EQ(wrongs[1].caught_by, "");
  EXPECT_EQ(wrongs[2].name, "c_third");
  EXPECT_EQ(wrongs[2].sentence, "two threads");
  EXPECT_EQ(wrongs[2].caught_by, "tsan");
}

TEST_F(LearnTest, TheSanitizersOfAnExerciseAreTheBuildTreesList) {
  auto exercise = *find_exercise(paths, "07");
  EXPECT_TRUE(sanitizers_of(paths, exercise).empty());  // a tree without the list has none
  fs::create_directories(root / "build" / "learn");
  std::ofstream(root / "build" / "learn" / "sanitizers.txt")
      << "# exercise sanitizer\n07 asan\n09 tsan\n07 tsan\n";
  EXPECT_EQ(sanitizers_of(paths, exercise), (std::vector<std::string>{"asan", "tsan"}));
  EXPECT_EQ(sanitizer_name("tsan"), "ThreadSanitizer");
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
