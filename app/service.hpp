#pragma once
// The demo service: the five styles mounted side by side under /{style}/..., and GET / listing
// them.

#include "app/classroom/race.hpp"
#include "app/demo/context.hpp"
#include "common/http/web/application.hpp"
#include "common/loop/loop.hpp"
#include "common/loop/pool_policy.hpp"

#include <boost/asio/thread_pool.hpp>

#include <array>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace parity::app {

inline constexpr std::array<std::string_view, 5> kStyles{"sync", "callback", "future", "coroutine",
                                                         "threadpool"};

// `context` and `classroom` must outlive the application.
std::shared_ptr<http::Application> make_service(const demo::Context& context,
                                                const Classroom& classroom);

class ClassroomThread;

struct ServiceOptions {
  std::string upstream_url;                    // http://127.0.0.1:9001
  std::filesystem::path upload_dir;            // must exist
  std::size_t max_clients = 10;                // the client's cap on fetches in flight (0: none)
  unsigned pool = 5;                           // threads for blocking work
  PoolPolicy pool_policy = PoolPolicy::batch;  // see common/loop/pool_policy.hpp
  std::chrono::milliseconds upstream_timeout = std::chrono::seconds(10);
  unsigned loop_threads = 1;  // threads running the loop: the classroom's sentences count them
};

// What one serving process owns for the demo: the pool, the client on `loop`, the context and the
// routes over them. Destroy it after the loop has stopped.
class Service {
 public:
  Service(Loop& loop, const ServiceOptions& options);
  ~Service();  // drops the pool's queued work, waits for what is running
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  std::shared_ptr<http::Application> application() const { return application_; }

  // Moves the classroom page to a loop of its own on `host`, racing this service at
  // `service_url`; GET / then redirects there. `same_process`: the requests sent to service_url
  // reach this service's loop (not another process's on a shared port), whose threads' busy times
  // the race then draws.
  void start_classroom(std::string service_url, const std::string& host, bool same_process = true);
  // Its URL, or empty if start_classroom() was not called.
  std::string classroom_url() const;

 private:
  asio::thread_pool pool_;
  http::Client client_;
  demo::Context context_;
  Classroom classroom_;  // GET / and GET /race on the service's own loop
  std::shared_ptr<http::Application> application_;
  std::unique_ptr<ClassroomThread> classroom_thread_;  // last: it races what is above
};

}  // namespace parity::app
