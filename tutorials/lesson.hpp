#pragma once
// The lessons of tutorials/, as `parity tutorial` runs them and the tests check them: each step
// runs for real (servers on free ports of this machine, the requests or the load it describes),
// and returns what it printed, the line on what to notice, and the figures the lesson's text
// quotes. The tests assert those figures, so a lesson's claims and its code cannot drift apart.

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace parity::tutorials {

struct StepResult {
  std::string output;                     // what a learner sees, ready to print
  std::string notice;                     // one line: what to notice in it
  std::map<std::string, double> figures;  // by name, what the lesson quotes and the tests assert
};

struct Step {
  std::string id;     // "02.3": lesson, then step
  std::string title;  // one line
  std::function<StepResult()> run;
};

struct Lesson {
  std::string id;      // "02"
  std::string folder;  // tutorials/02_blocking_server
  std::string title;
  std::string seeds;  // the seed sections it follows
  int minutes = 0;    // to read it and run every step
  std::vector<Step> steps;
};

// Every lesson, in order.
const std::vector<Lesson>& lessons();
const Lesson* find_lesson(std::string_view id);  // "02" or "2"
const Step* find_step(std::string_view id);      // "02.3"

}  // namespace parity::tutorials
