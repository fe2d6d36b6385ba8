// --processes: children share one socket, a crashed child is restarted, SIGTERM stops them all.
// Each test runs the supervisor in a forked process of its own, as `parity serve` would.

#include "common/http/server/prefork.hpp"
#include "common/http/server/server.hpp"
#include "tests/support/event.hpp"
#include "tests/support/raw_connection.hpp"
#include "tests/test_handlers.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <set>

namespace parity::http {
namespace {

using namespace std::chrono_literals;

// Answers with the pid of the process that served it.
class PidHandler : public RequestHandler {
 public:
  void get() { finish(std::to_string(::getpid())); }
};

int serve_child(int listener, std::chrono::milliseconds grace = 1s) {
  Loop loop;
  auto app = std::make_shared<Application>();
  app->add<PidHandler>("/pid").add<test::HangHandler>("/hang");
  ServerOptions options;
  options.access_log = false;
  Server server(loop, app, options);
  server.adopt(listener);
  server.stop_on_signals(grace);
  loop.run();
  return 0;
}

std::string pid_served(unsigned short port) {
  test::RawConnection c(port);
  c.send(test::get_request("/pid", "Connection: close\r\n"));
  auto response = c.read_response();
  return response ? response->body() : "";
}

TEST(Prefork, ChildrenServeTheSharedSocketAndSigtermStopsThemAll) {
  int listener = bind_listening_socket("127.0.0.1", 0);
  auto port = local_port(listener);
  pid_t supervisor = ::fork();
  if (supervisor == 0)
    ::_exit(supervise_children(2, [&](unsigned) { return serve_child(listener); }));
  ::close(listener);

  std::set<std::string> pids;
  ASSERT_TRUE(test::eventually(
      [&] {
        try {
          auto pid = pid_served(port);
          if (!pid.empty()) pids.insert(pid);
        } catch (const std::exception&) {
        }
        return !pids.empty();
      },
      10s));

  ::kill(supervisor, SIGTERM);
  int status = 0;
  ASSERT_TRUE(
      test::eventually([&] { return ::waitpid(supervisor, &status, WNOHANG) == supervisor; }, 10s));
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_THROW(pid_served(port), std::runtime_error);  // nobody listens any more
}

bool refused(unsigned short port) {
  try {
    test::RawConnection c(port);
    return false;
  } catch (const std::runtime_error&) {
    return true;
  }
}

// While the children drain (a request hangs in each, for a grace of 30 s), new clients are
// refused at once: the supervisor has closed its copy of the listening socket. Before, they were
// accepted into a backlog no one served and reset later.
TEST(Prefork, NewClientsAreRefusedAtOnceDuringTheDrain) {
  int listener = bind_listening_socket("127.0.0.1", 0);
  auto port = local_port(listener);
  pid_t supervisor = ::fork();
  if (supervisor == 0) {
    ::_exit(supervise_children(2, [&](unsigned) { return serve_child(listener, 30s); }, 100,
                               {listener}));
  }
  ::close(listener);
  ASSERT_TRUE(test::eventually([&] { return !pid_served(port).empty(); }, 10s));
  std::vector<std::unique_ptr<test::RawConnection>> hanging;
  for (int i = 0; i < 4; ++i) {  // in flight in one child or both: the drain lasts
    hanging.push_back(std::make_unique<test::RawConnection>(port));
    hanging.back()->send(test::get_request("/hang"));
  }
  ASSERT_TRUE(test::eventually(
      [&] {
        test::RawConnection probe(port);  // the children serve, so they took the /hangs sent first
        probe.send(test::get_request("/pid", "Connection: close\r\n"));
        return probe.read_response().has_value();
      },
      10s));
  ::kill(supervisor, SIGTERM);
  EXPECT_TRUE(test::eventually([&] { return refused(port); }, 5s))
      << "new clients were still accepted while the children drained";
  ::kill(supervisor, SIGKILL);  // the children follow (PR_SET_PDEATHSIG)
  int status = 0;
  ::waitpid(supervisor, &status, 0);
}

TEST(Prefork, ACrashedChildIsRestarted) {
  auto marker =
      std::filesystem::temp_directory_path() / ("parity-prefork-" + std::to_string(::getpid()));
  std::filesystem::remove(marker);
  pid_t supervisor = ::fork();
  if (supervisor == 0) {
    // The first run crashes; the restarted one finds the marker and exits cleanly.
    ::_exit(supervise_children(1, [&](unsigned) {
      if (!std::filesystem::exists(marker)) {
        std::FILE* f = std::fopen(marker.c_str(), "w");
        std::fclose(f);
        std::abort();
      }
      return 0;
    }));
  }
  int status = 0;
  ASSERT_TRUE(
      test::eventually([&] { return ::waitpid(supervisor, &status, WNOHANG) == supervisor; }, 10s));
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_TRUE(std::filesystem::exists(marker));
  std::filesystem::remove(marker);
}

}  // namespace
}  // namespace parity::http
