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
//   {"event":"start","side":0,"style":"sync","url":"/sync/sleep?ms=200","n":5}
//   {"event":"answer","side":0,"i":2,"status":200,"started_at":...,"finished_at":...,"body":"..."}
//   {"event":"summary","side":0,"wall_ms":1003,"rate":4.98,"at_a_time":1,"expected_ms":1000,
//    "sentence":"sync served 1 at a time ..."}
// started_at/finished_at are the server's own timestamps from each answer: what it really did.

#include "common/demo/context.hpp"
#include "common/http/application.hpp"

#include <string>

namespace parity::styles {

// Adds GET / (the page) and GET /race to the demo's application.
void mount_classroom(http::Application& app, const demo::Context& context);

// What a race asks for, checked: the styles, the endpoint and its argument, the count.
struct Race {
  std::string styles[2];
  std::string endpoint;  // sleep, fetch, compute, chain, parallel
  long long arg = 0;     // ms for sleep, n for compute, chain and parallel; unused for fetch
  int n = 5;             // requests per side, 1..200
  std::string path(int side) const;  // /sync/sleep?ms=200
};

// How many of a race's requests `style` serves at once on `endpoint`, and why (Little's law's
// "in flight"), given the pool's size and the client's cap (0: none).
struct AtATime {
  int count = 1;
  std::string why;
};
AtATime at_a_time(const std::string& style, const std::string& endpoint, int n, unsigned pool,
                  std::size_t max_clients);

// The sentence under a side of the chart, to read aloud.
std::string race_sentence(const std::string& style, const AtATime& limit, int n, double shortest_ms,
                          double wall_ms);

}  // namespace parity::styles
