// The buffered log: lines leave in batches (a full buffer, or the flush period), and none is lost
// when the process ends: SIGTERM, SIGINT, a handler's exception, std::terminate.

#include "common/log/log.hpp"
#include "tools/process/process.hpp"
#include "tests/support/raw_connection.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

namespace parity {
namespace {

namespace fs = std::filesystem;

// A file to log into, removed afterwards; stderr is put back and buffering turned off.
class LogFile {
 public:
  LogFile() : path_(fs::temp_directory_path() / fs::path("parity-log-" + unique())) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
  }
  ~LogFile() {
    log::set_buffering({.size = 0, .fd = 2});
    ::close(fd_);
    fs::remove(path_);
  }
  int fd() const { return fd_; }
  const fs::path& path() const { return path_; }
  std::string text() const {
    std::ifstream in(path_);
    std::stringstream all;
    all << in.rdbuf();
    return all.str();
  }
  std::size_t lines_with(const std::string& word) const {
    std::istringstream lines(text());
    std::size_t count = 0;
    for (std::string line; std::getline(lines, line);)
      count += line.find(word) != std::string::npos;
    return count;
  }

 private:
  static std::string unique() {
    static int n = 0;
    return std::to_string(::getpid()) + "-" + std::to_string(++n);
  }
  fs::path path_;
  int fd_ = -1;
};

TEST(BufferedLog, LinesWaitInTheBufferUntilItIsFlushed) {
  LogFile file;
  log::set_buffering({.size = 64 * 1024, .flush = std::chrono::hours(1), .fd = file.fd()});
  for (int i = 0; i < 3; ++i) log::info("access", "line {}", i);
  EXPECT_EQ(file.text(), "") << "a buffered line left before the buffer filled or was flushed";
  log::flush();
  EXPECT_EQ(file.lines_with("] line "), 3u);
}

TEST(BufferedLog, AFullBufferLeavesWithoutWaitingForTheFlush) {
  LogFile file;
  log::set_buffering({.size = 256, .flush = std::chrono::hours(1), .fd = file.fd()});
  for (int i = 0; i < 10; ++i) log::info("access", "line {} of ten, long enough to fill", i);
  // Ten lines of ~60 bytes in 256: all but the last few have left, each one whole.
  auto written = file.lines_with("of ten");
  EXPECT_GE(written, 6u);
  EXPECT_LT(written, 10u);
  log::flush();
  EXPECT_EQ(file.lines_with("of ten"), 10u);
}

TEST(BufferedLog, NoLineWaitsLongerThanTheFlushPeriod) {
  LogFile file;
  log::set_buffering({.size = 64 * 1024, .flush = std::chrono::milliseconds(20), .fd = file.fd()});
  log::info("access", "the only line");
  // The flusher writes it within 20 ms; 10 s is only the bound on a stalled machine.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (file.lines_with("the only line") == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(file.lines_with("the only line"), 1u) << "the flusher never wrote the pending line";
}

TEST(BufferedLog, ACrashWritesWhatIsPendingBeforeTheProcessDies) {
  // The "fast" style (gtest's default): the child is forked at this point, so it writes into
  // this test's file. ctest runs each test in a process of its own, with no other threads.
  LogFile file;
  EXPECT_EXIT(
      {
        log::set_buffering({.size = 64 * 1024, .flush = std::chrono::hours(1), .fd = file.fd()});
        log::error("access", "500 GET /crash (127.0.0.1) 0.10ms");
        std::terminate();  // what an exception escaping a noexcept handler does
      },
      testing::KilledBySignal(SIGABRT), "");
  EXPECT_EQ(file.lines_with("500 GET /crash"), 1u) << file.text();
}

// `parity serve` itself, with stderr to a file: every request's line is there after a stop.
class ServeLog : public testing::TestWithParam<int> {};

TEST_P(ServeLog, EveryRequestsLineIsWrittenWhenTheServerIsStopped) {
  LogFile file;
  // The flush period is far longer than the test, so only the stop can have written the lines.
  compare::ServerProcess serve({"/bin/sh", "-c",
                                "exec \"$0\" serve --port 0 --log-flush 1m 2>\"$1\"",
                                PARITY_CLI_PATH, file.path().string()});
  const auto port = serve.port();
  {
    test::RawConnection client(port);
    for (int i = 0; i < 20; ++i) {
      client.send(test::get_request("/sync/hello"));
      ASSERT_TRUE(client.read_response());
    }
    client.send(test::get_request("/no/such/page"));
    ASSERT_TRUE(client.read_response());
  }
  EXPECT_EQ(file.lines_with("GET /sync/hello"), 0u) << "the lines left before the stop, unbuffered";
  EXPECT_EQ(serve.stop(GetParam()), 0);
  EXPECT_EQ(file.lines_with("200 GET /sync/hello"), 20u) << file.text();
  EXPECT_EQ(file.lines_with("404 GET /no/such/page"), 1u) << file.text();
}

INSTANTIATE_TEST_SUITE_P(Signals, ServeLog, testing::Values(SIGTERM, SIGINT), [](const auto& info) {
  return info.param == SIGTERM ? "SIGTERM" : "SIGINT";
});

}  // namespace
}  // namespace parity
