// The pool's scheduling policy: with `batch`, every thread of the pool (and each only once) runs
// under SCHED_BATCH; with `normal`, they keep the policy they started with.

#include "common/loop/pool_policy.hpp"

#include <gtest/gtest.h>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <pthread.h>
#include <sched.h>

#include <latch>
#include <map>
#include <mutex>
#include <thread>

namespace parity {
namespace {

// Each pool thread's policy, read by one task per thread (each waits for all, as the policy's
// own tasks do, so no thread answers twice).
std::map<std::thread::id, int> policies_of(boost::asio::thread_pool& pool, unsigned threads) {
  std::mutex mutex;
  std::map<std::thread::id, int> policies;
  std::latch all_answered(threads);
  std::latch may_leave(1);
  for (unsigned i = 0; i < threads; ++i) {
    boost::asio::post(pool, [&] {
      int policy = -1;
      sched_param param{};
      ::pthread_getschedparam(::pthread_self(), &policy, &param);
      {
        std::lock_guard lock(mutex);
        policies[std::this_thread::get_id()] = policy;
      }
      all_answered.count_down();
      may_leave.wait();
    });
  }
  all_answered.wait();
  may_leave.count_down();
  pool.join();  // the tasks touch this frame's latches: wait for them to leave
  return policies;
}

#ifdef SCHED_BATCH
TEST(PoolPolicy, BatchPutsEveryPoolThreadUnderSchedBatch) {
  boost::asio::thread_pool pool(3);
  apply_pool_policy(pool, 3, PoolPolicy::batch);
  auto policies = policies_of(pool, 3);
  ASSERT_EQ(policies.size(), 3u);
  for (auto [thread, policy] : policies) EXPECT_EQ(policy, SCHED_BATCH);
}
#endif

TEST(PoolPolicy, NormalLeavesThePoolThreadsUnderThePolicyTheyStartedWith) {
  int inherited = -1;  // threads start with their creator's policy
  sched_param param{};
  ::pthread_getschedparam(::pthread_self(), &inherited, &param);
  boost::asio::thread_pool pool(2);
  apply_pool_policy(pool, 2, PoolPolicy::normal);
  auto policies = policies_of(pool, 2);
  ASSERT_EQ(policies.size(), 2u);
  for (auto [thread, policy] : policies) EXPECT_EQ(policy, inherited);
}

}  // namespace
}  // namespace parity
