#pragma once
// schedule(executor): a sender that sends nothing, from the loop. Starting it posts to the
// executor; the receiver's set_value() then runs on a thread that runs the loop, so whatever
// follows (`schedule(loop) | then(f)`) runs there too.
//
// P2300 names the thing that can schedule a *scheduler* ([exec.sched]) and this sender the
// result of schedule(scheduler). Here an Asio executor plays the scheduler: the project's Loop
// (loop.get_executor()) or any io_context's.

#include "tutorials/18_senders/senders/values.hpp"

#include <boost/asio/post.hpp>

#include <utility>

namespace parity::senders {

template <class Executor>
class Schedule {
 public:
  using values = Values<>;

  explicit Schedule(Executor executor) : executor_(std::move(executor)) {}

  template <class Receiver>
  class Operation {
   public:
    Operation(Executor executor, Receiver receiver)
        : executor_(std::move(executor)), receiver_(std::move(receiver)) {}
    Operation(const Operation&) = delete;  // the posted function holds its address
    Operation& operator=(const Operation&) = delete;

    void start() noexcept {
      boost::asio::post(executor_, [this] { receiver_.set_value(); });
    }

   private:
    Executor executor_;
    Receiver receiver_;
  };

  template <class Receiver>
  Operation<Receiver> connect(Receiver receiver) && {
    return {std::move(executor_), std::move(receiver)};
  }

 private:
  Executor executor_;
};

template <class Executor>
Schedule<Executor> schedule(Executor executor) {
  return Schedule<Executor>(std::move(executor));
}

}  // namespace parity::senders
