#pragma once
// What several lessons' steps share: the demo service in front of a simulated upstream, requests
// sent at once and read back from the server's own timestamps, and the seeds' siege run.

#include "bench/siege/stats.hpp"
#include "common/loop/loop.hpp"
#include "common/future/future.hpp"
#include "app/service_thread.hpp"
#include "upstream/upstream.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace parity::tutorials {

using namespace std::chrono_literals;

inline constexpr auto kLatency = 100ms;  // the upstream's, as Parity assumes for the seeds' API

// The demo service and its upstream, on free ports of this machine, for the length of a step.
// `max_clients` caps the service's upstream fetches in flight (10, as Tornado's client; 0: none);
// `latency` is the upstream's.
struct Demo {
  explicit Demo(std::size_t max_clients = 10, std::chrono::milliseconds latency = kLatency)
      : upstream{upstream::Options{.latency = latency, .jitter = 0ms}},
        service{{.upstream_url = upstream.url(), .max_clients = max_clients}} {}
  upstream::EmbeddedUpstream upstream;
  app::ServiceThread service;
};

// Runs the loop until `future` is done (5 s at most), then once more for the callbacks queued.
template <class T>
void run_until_done(Loop& loop, const Future<T>& future) {
  loop.context().restart();
  auto deadline = Clock::now() + 5s;
  while (!future.done() && Clock::now() < deadline) loop.context().run_one_for(10ms);
  loop.context().poll();
}

// When the server started and finished one request, from its answer (server-side ms).
struct Timed {
  double started_at = 0;
  double finished_at = 0;
};

// Sends `count` GETs to `url` at once, each from a thread of its own; sorted by start.
std::vector<Timed> at_once(const std::string& url, int count);
// The latest start to the earliest finish, in ms: negative when they ran one after the other.
double overlap_ms(const std::vector<Timed>& timed);
// From the first start to the last finish, in ms.
double total_ms(const std::vector<Timed>& timed);
// "label:\n  request 1: started at ... ms, finished at ... ms\n...", times from the first start.
std::string timeline(const std::string& label, const std::vector<Timed>& timed);

// How many finished `ms` or more after the first one started: those that waited for a slot.
int finished_after(const std::vector<Timed>& timed, double ms);

// `parity diff ENDPOINT A B` as it prints, from the build's copy of the style sources; the
// removed and added line counts in `removed` and `added`.
std::string style_diff(const std::string& endpoint, const std::string& a, const std::string& b,
                       int& removed, int& added);

struct SiegeRun {
  siege::Summary summary;
  std::string text;  // the command line and siege's summary, as printed
};
// The seeds' `siege URL -c100 -t3s`: 100 users, 3 s, a new connection per request.
SiegeRun seed_siege(const std::string& url);

}  // namespace parity::tutorials
