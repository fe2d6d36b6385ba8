#pragma once
// How the threads of a pool for blocking work are scheduled next to the loop's thread.
//
// A pool thread is woken for every piece of work handed to it. With Linux's default policy a
// woken thread may preempt the thread that woke it, so the loop is interrupted in the middle of
// its batch of ready sockets once per hand-off (on 2 cores, /threadpool/hello then spent half its
// time switching threads). SCHED_BATCH tells the scheduler that a pool thread is not interactive:
// it gets its fair share of the CPU but does not preempt on wake-up, so the loop finishes its
// batch first. The loop serves every connection; a pool thread serves one request.

#include <boost/asio/thread_pool.hpp>

namespace parity {

enum class PoolPolicy {
  batch,   // SCHED_BATCH (Linux): pool threads do not preempt the loop when woken
  normal,  // the default policy (SCHED_OTHER)
};

// Applies `policy` to each of `pool`'s threads, `threads` being how many it has (one task waits on
// each, so more would never return); returns once all have it. Call it before giving the pool
// work. Where the system refuses (or has no SCHED_BATCH), the threads keep the default policy.
void apply_pool_policy(boost::asio::thread_pool& pool, unsigned threads, PoolPolicy policy);

}  // namespace parity
