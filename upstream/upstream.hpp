#pragma once
// The upstream simulator: the slow remote API of the tutorials, on the same core. Every wait is a
// timer, nothing blocks, so one thread holds thousands of delayed requests.
//
//   GET  /delay?ms=N          JSON after N ms (default: the configured latency, ± jitter)
//   GET  /status/{code}       answers with that status
//   GET  /malformed           200 with a body that is not JSON
//   GET  /drop                declares 1000 bytes, sends 100, closes the connection
//   GET  /hang                never answers
//   GET  /barrier?n=N&timeout_ms=T   answers once N requests wait here at once; 504 after T ms
//   GET  /barrier/N/T/delay   the same, as the /delay of a service's --upstream URL/barrier/N/T
//   GET  /stats               {"waiting": requests waiting now, "abandoned": whose client left}
//   POST /object/{object_id}/instance/_import   seed 000's CMDB import: a JSON list of instances
//   POST /object/{object_id}/instance/_search   seed 000's CMDB search: {"query": {...}}

#include "common/http/server/server_thread.hpp"
#include "common/http/web/application.hpp"
#include "common/loop/loop.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace parity::upstream {

using namespace std::chrono_literals;

struct Options {
  std::chrono::milliseconds latency = 100ms;  // /delay without ?ms=
  std::chrono::milliseconds jitter = 0ms;     // /delay without ?ms= waits latency ± jitter
  // When set, the answers of /delay and /barrier carry it ("nonce": ...): a test that made it at
  // random knows an answer was relayed from here, not made up.
  std::string nonce;
};

std::shared_ptr<http::Application> make_application(const Options& options);

// Raises this process's open-file limit to its hard limit, so that one process can hold as many
// connections as the system allows. Returns the new soft limit.
unsigned long raise_open_file_limit();

// An upstream on its own loop and thread, for `parity serve` without --upstream and for tests.
class EmbeddedUpstream {
 public:
  explicit EmbeddedUpstream(const Options& options, const std::string& host = "127.0.0.1",
                            unsigned short port = 0, bool access_log = false);
  unsigned short port() const { return thread_.port(); }
  std::string url() const { return thread_.url(); }  // http://127.0.0.1:PORT

 private:
  http::ServerThread thread_;
};

}  // namespace parity::upstream
