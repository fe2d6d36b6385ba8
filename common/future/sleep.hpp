#pragma once
// sleep(executor, delay): a Future done after `delay`, as Tornado's gen.sleep.

#include "common/future/future.hpp"

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <system_error>

namespace parity {

// A future that is done after `delay`, from a timer: nothing blocks. The timer's own callback
// owns it until it fires, then sets the result.
inline Future<void> sleep(asio::any_io_executor executor, std::chrono::milliseconds delay) {
  Future<void> done(executor);
  auto timer = std::make_unique<asio::steady_timer>(executor, delay);
  auto& waiting = *timer;
  waiting.async_wait([done, timer = std::move(timer)](boost::system::error_code ec) mutable {
    if (ec) return done.set_exception(std::make_exception_ptr(boost::system::system_error(ec)));
    done.set_result();
  });
  return done;
}

}  // namespace parity
