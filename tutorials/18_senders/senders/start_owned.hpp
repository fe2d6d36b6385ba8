#pragma once
// start_owned(sender, receiver): connects, starts, and hands back the operation state on the
// heap, for code whose frame ends before the work does (a request handler's get() returns at
// once). Whoever holds the pointer keeps the work alive; it must outlive the receiver's call.
//
// P2300 leaves this to start_detached and to async scopes (counting_scope, adopted for C++26 in
// P3149), which also wait for what they started: structured concurrency. This is the bare idea.

#include "tutorials/18_senders/senders/values.hpp"

#include <memory>
#include <utility>

namespace parity::senders {

struct Started {
  virtual ~Started() = default;
};

template <class Sender, class Receiver>
struct StartedOperation final : Started {
  StartedOperation(Sender sender, Receiver receiver)
      : operation(std::move(sender).connect(std::move(receiver))) {}
  operation_t<Sender, Receiver> operation;
};

template <class Sender, class Receiver>
std::unique_ptr<Started> start_owned(Sender sender, Receiver receiver) {
  auto started =
      std::make_unique<StartedOperation<Sender, Receiver>>(std::move(sender), std::move(receiver));
  started->operation.start();
  return started;
}

}  // namespace parity::senders
