#pragma once
// What the server and all its sessions share: the delegate the requests go to, the options, and the
// sessions alive (for the sweep of timeouts, the connection cap and the graceful stop). It outlives
// the Server object if sessions do, each session holding it.

#include "common/http/server/response_writer.hpp"
#include "common/http/server/server.hpp"
#include "common/http/server/server_delegate.hpp"

#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace parity::http {

class Session;

namespace detail {

struct ServerState {
  std::shared_ptr<const ServerDelegate> delegate;
  std::vector<DefaultHeader> default_headers;  // the delegate's, looked up once
  ServerOptions options;

  std::mutex mutex;
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions;
  bool shutting_down = false;
  std::function<void()> on_drained;  // called once, when the last session is gone

  void add(const std::shared_ptr<Session>& session);
  void remove(const Session* session);
  std::vector<std::shared_ptr<Session>> snapshot();  // the sessions still alive
};

}  // namespace detail
}  // namespace parity::http
