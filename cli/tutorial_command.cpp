// `parity tutorial [NN | NN.M]`: lists the lessons, or runs a lesson's steps (or one step) for
// real, printing what each step printed and what to notice in it. On a terminal it waits for
// Enter between steps; otherwise it runs straight through. Every server a step starts runs in
// this process and goes with it, Ctrl-C included.

#include "app/demo/uploads.hpp"
#include "cli/commands.hpp"
#include "common/text/wrap.hpp"
#include "tools/data/data.hpp"
#include "tutorials/lesson.hpp"
#include "tutorials/support.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace parity::cli {
namespace {

void list_lessons() {
  fmt::print("The lessons ({} has the whole path):\n\n",
             data::readable_path("tutorials/README.md"));
  for (const auto& lesson : tutorials::lessons()) {
    fmt::print("  {}  {:<34} seeds {:<16} ~{} min\n", lesson.id, lesson.title, lesson.seeds,
               lesson.minutes);
    for (const auto& step : lesson.steps) fmt::print("      {}  {}\n", step.id, step.title);
  }
  fmt::print("\nRun one with `parity tutorial 02`, one step with `parity tutorial 02.3`.\n");
}

void run_step(const tutorials::Step& step) {
  fmt::print("== {}  {} ==\n", step.id, step.title);
  std::fflush(stdout);
  auto result = step.run();
  fmt::print("{}", result.output);
  if (!result.output.empty() && result.output.back() != '\n') fmt::print("\n");
  fmt::print("\n{}\n\n", text::wrap(result.notice, text::terminal_width(), "Notice: "));
  std::fflush(stdout);
}

// False when the learner asks to stop.
bool wait_for_enter() {
  fmt::print("[Enter: next step, q: stop] ");
  std::fflush(stdout);
  std::string line;
  if (!std::getline(std::cin, line)) return false;
  return line != "q";
}

}  // namespace

Command add_tutorial_command(CLI::App& app) {
  auto which = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "tutorial",
      "Run the tutorials' lessons step by step, for real: servers on free ports of this machine, "
      "the requests and the load each step describes.\n"
      "  parity tutorial        list the lessons\n"
      "  parity tutorial 02     run lesson 02, step by step\n"
      "  parity tutorial 02.3   run one step");
  cmd->add_option("LESSON_OR_STEP", *which, "A lesson (02) or a step (02.3); none: list them");
  return [which] {
    demo::remove_temporaries_on_interrupt();  // Ctrl-C in a step leaves nothing in /tmp
    if (which->empty()) {
      list_lessons();
      return 0;
    }
    if (which->find('.') != std::string::npos) {
      const auto* step = tutorials::find_step(*which);
      if (!step) throw CLI::ValidationError("no step " + *which + "; `parity tutorial` lists them");
      run_step(*step);
      return 0;
    }
    const auto* lesson = tutorials::find_lesson(*which);
    if (!lesson)
      throw CLI::ValidationError("no lesson " + *which + "; `parity tutorial` lists them");
    // The seeds are the Tornado tutorials the lessons follow (tutorials/README.md).
    const auto source = lesson->seeds == "none"
                            ? std::string("beyond the Tornado tutorials the course follows")
                            : "after the Tornado tutorials' seeds " + lesson->seeds;
    fmt::print("Lesson {}: {} ({}). Read {} alongside.\n\n", lesson->id, lesson->title, source,
               data::readable_path(lesson->folder + "/README.md"));
    const bool interactive = ::isatty(STDIN_FILENO) && ::isatty(STDOUT_FILENO);
    for (std::size_t i = 0; i < lesson->steps.size(); ++i) {
      run_step(lesson->steps[i]);
      if (interactive && i + 1 < lesson->steps.size() && !wait_for_enter()) break;
    }
    return 0;
  };
}

}  // namespace parity::cli
