#pragma once
// The classroom page and its race on a loop and a port of their own. The sync style blocks the
// loop it runs on (that is its lesson), so a page served from that loop would freeze with it,
// `GET /` included, for as long as a sync race runs.

#include "app/classroom/race.hpp"
#include "common/http/server/server_thread.hpp"

#include <memory>
#include <string>

namespace parity::app {

class ClassroomThread {
 public:
  // Races `service` (its routes, at `service_url`, on `service_loop` if in this process);
  // listens on host, any free port. `context`, `service` and `service_loop` must outlive this.
  ClassroomThread(const demo::Context& context, const http::Application& service,
                  std::string service_url, unsigned loop_threads, const Loop* service_loop,
                  const std::string& host);

  unsigned short port() const { return thread_.port(); }
  std::string url(const std::string& path = "") const { return thread_.url(path); }

 private:
  Classroom classroom_;
  std::shared_ptr<http::Application> application_;
  http::ServerThread thread_;  // last: stopped first, while what its handlers use is still here
};

}  // namespace parity::app
