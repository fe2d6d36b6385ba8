#pragma once
// The classroom page of `parity serve` (GET /) and its race (GET /race): N requests fired at two
// styles, drawn as bars on one time axis as each completes. The server sends the requests itself,
// through a client of its own, and streams each completion to the page: a browser opens at most
// six connections to one host, so requests sent from the page would race the browser's limit,
// not the styles.
//
//   GET /race?a=sync&b=coroutine&endpoint=sleep&arg=200&n=5
//
// answers NDJSON, one line per event, side a's requests first (all at once), then side b's:
//   {"event":"start","side":0,"style":"sync","url":"/sync/sleep?ms=200","base":"","n":5}
//   {"event":"answer","side":0,"i":2,"status":200,"started_at":...,"finished_at":...,"body":"..."}
//   {"event":"busy","side":0,"thread":1,"from":...,"to":...}   when loop thread 1 was busy
//   {"event":"summary","side":0,"wall_ms":1003,"rate":4.98,"at_a_time":1,"expected_ms":1000,
//    "sentence":"sync served 1 at a time ..."}
// base is where a browser finds the service ("": this server; else http://name:port).
// started_at/finished_at are the server's own timestamps from each answer: what it really did.
// The start event's loop_threads says how many loop threads have busy strips (0: the service runs
// in another process, and its loop cannot be watched from here).
//
// `parity serve` runs the page and its race on a loop of their own (ClassroomThread): the sync
// style blocks the service's loop, and the page must stay live while it does. The service's own
// GET / then redirects there.

#include "app/demo/context.hpp"
#include "common/http/web/application.hpp"

#include <atomic>
#include <string>
#include <string_view>

namespace parity {
class Loop;
}  // namespace parity

namespace parity::app {

// What the page and its race need to know of the service they race.
struct Classroom {
  const demo::Context* context = nullptr;      // its pool and client, for the sentences
  const http::Application* service = nullptr;  // whose routes the page lists (null: its own)
  std::string service_url;                     // where the race sends requests (empty: itself)
  unsigned loop_threads = 1;                   // threads running the service's loop
  // The service's loop, when the race's requests reach it in this process: its threads' busy
  // times are drawn under the bars (null: another process, nothing drawn).
  const Loop* service_loop = nullptr;
  // Set (from any thread): GET / redirects to the page on this port.
  std::atomic<unsigned short> page_port{0};
};

// Adds GET / (the page) and GET /race to `app`. `classroom` must outlive it.
void mount_classroom(http::Application& app, const Classroom& classroom);

// What a race asks for, checked: the styles, the endpoint and its argument, the count.
struct Race {
  std::string styles[2];
  std::string endpoint;  // sleep, fetch, compute, chain, parallel
  long long arg = 0;     // ms for sleep, n for compute, chain and parallel; unused for fetch
  int n = 5;             // requests per side, 1..200, with n x arg capped (kRaceCaps)
  std::string path(int side) const;  // /sync/sleep?ms=200
};

// The most a race may ask of one side, as n x arg: the sync style serves its requests one after
// the other while its loop serves nothing else, so this bounds how long a race can hold it.
struct RaceCap {
  std::string_view endpoint;
  long long total;
  std::string_view what;  // what n x arg counts
};
inline constexpr RaceCap kRaceCaps[] = {
    {"sleep", 60'000, "ms of sleeping (a minute, one after the other in sync)"},
    {"compute", 10'000'000'000, "loop iterations"},
    {"chain", 500, "upstream calls"},
    {"parallel", 500, "upstream calls"},
};

// How many of a race's requests `style` serves at once on `endpoint`, and why (Little's law's
// "in flight"), given the loop's threads, the pool's size and the client's cap (0: none).
struct AtATime {
  int count = 1;
  std::string why;
};
AtATime at_a_time(const std::string& style, const std::string& endpoint, int n, unsigned pool,
                  std::size_t max_clients, unsigned loop_threads = 1);

// The sentence under a side of the chart, to read aloud.
std::string race_sentence(const std::string& style, const AtATime& limit, int n, double shortest_ms,
                          double wall_ms);

}  // namespace parity::app
