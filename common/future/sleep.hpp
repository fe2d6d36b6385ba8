#pragma once
// sleep(executor, delay): a Future done after `delay`, as Tornado's gen.sleep.

#include "common/future/use_future.hpp"

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>

namespace parity {

// A future that is done after `delay`, from a timer: nothing blocks.
inline Future<void> sleep(asio::any_io_executor executor, std::chrono::milliseconds delay) {
  auto timer = std::make_shared<asio::steady_timer>(executor, delay);
  auto done = timer->async_wait(use_future(executor));
  done.add_done_callback([timer](Future<void>) {});  // keeps the timer alive until it fires
  return done;
}

}  // namespace parity
