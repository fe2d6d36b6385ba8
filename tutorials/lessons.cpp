#include "tutorials/lesson.hpp"

#include "tutorials/01_words/lesson.hpp"
#include "tutorials/02_blocking_server/lesson.hpp"
#include "tutorials/03_callbacks/lesson.hpp"
#include "tutorials/04_futures/lesson.hpp"
#include "tutorials/05_coroutines/lesson.hpp"
#include "tutorials/06_blocking_inside_async/lesson.hpp"
#include "tutorials/07_many_at_once/lesson.hpp"
#include "tutorials/08_the_loop/lesson.hpp"
#include "tutorials/09_periodic_work/lesson.hpp"
#include "tutorials/10_streams/lesson.hpp"
#include "tutorials/11_web_framework/lesson.hpp"
#include "tutorials/12_sdks/lesson.hpp"
#include "tutorials/13_files/lesson.hpp"
#include "tutorials/14_more_than_one_core/lesson.hpp"
#include "tutorials/15_measuring/lesson.hpp"
#include "tutorials/16_a_loop_from_scratch/lesson.hpp"
#include "tutorials/17_co_await_from_scratch/lesson.hpp"
#include "tutorials/18_senders/lesson.hpp"

#include <algorithm>

namespace parity::tutorials {
namespace {

// "2" and "02" name the same lesson.
std::string two_digits(std::string_view id) {
  return id.size() == 1 ? "0" + std::string(id) : std::string(id);
}

}  // namespace

const std::vector<Lesson>& lessons() {
  static const std::vector<Lesson> all{
      words_lesson(),        blocking_server_lesson(),    callbacks_lesson(),
      futures_lesson(),      coroutines_lesson(),         blocking_inside_async_lesson(),
      many_at_once_lesson(), the_loop_lesson(),           periodic_work_lesson(),
      streams_lesson(),      web_framework_lesson(),      sdks_lesson(),
      files_lesson(),        more_than_one_core_lesson(), measuring_lesson(),
      loop_from_scratch_lesson(), co_await_from_scratch_lesson(), senders_lesson()};
  return all;
}

const Lesson* find_lesson(std::string_view id) {
  auto wanted = two_digits(id);
  for (const auto& lesson : lessons())
    if (lesson.id == wanted) return &lesson;
  return nullptr;
}

const Step* find_step(std::string_view id) {
  auto dot = id.find('.');
  if (dot == std::string_view::npos) return nullptr;
  const Lesson* lesson = find_lesson(id.substr(0, dot));
  if (!lesson) return nullptr;
  auto wanted = lesson->id + "." + std::string(id.substr(dot + 1));
  for (const auto& step : lesson->steps)
    if (step.id == wanted) return &step;
  return nullptr;
}

}  // namespace parity::tutorials
