#include "common/loop/pool_policy.hpp"

#include "common/log/log.hpp"

#include <boost/asio/post.hpp>

#include <pthread.h>
#include <sched.h>

#include <latch>
#include <memory>

namespace parity {

void apply_pool_policy(boost::asio::thread_pool& pool, unsigned threads, PoolPolicy policy) {
  if (policy == PoolPolicy::normal) return;  // what threads start with
#ifdef SCHED_BATCH
  // One task per thread: each waits until all have arrived, so no thread takes two. The latch is
  // shared because the last tasks may still be leaving it when this function returns.
  auto all_arrived = std::make_shared<std::latch>(threads);
  for (unsigned i = 0; i < threads; ++i) {
    boost::asio::post(pool, [all_arrived] {
      sched_param no_priority{};  // SCHED_BATCH has one static priority, 0
      if (int error = ::pthread_setschedparam(::pthread_self(), SCHED_BATCH, &no_priority))
        log::debug("pool", "a pool thread keeps the default policy: error {}", error);
      all_arrived->arrive_and_wait();
    });
  }
  all_arrived->wait();
#else
  (void)pool;
  (void)threads;
#endif
}

}  // namespace parity
