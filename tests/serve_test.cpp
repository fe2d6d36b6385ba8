// `parity serve` as a user runs it: the banner's classroom page answers through the service's
// redirect, and a stop by signal leaves no temporary directory behind.

#include "common/http/client/client.hpp"
#include "tools/process/process.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

namespace parity {
namespace {

using namespace std::chrono_literals;

// The text after `label` in the first banner line that starts with it.
std::string banner_value(compare::ChildProcess& serve, const std::string& label) {
  for (int i = 0; i < 20; ++i) {
    auto line = serve.read_line(20s);
    if (line.starts_with(label)) return line.substr(label.size());
  }
  return {};
}

class Serve : public testing::TestWithParam<int> {};

TEST_P(Serve, TheClassroomPageAnswersAndAStopRemovesTheUploadDirectory) {
  compare::ChildProcess serve({PARITY_CLI_PATH, "serve", "--port", "0", "--no-access-log"});
  auto first = banner_value(serve, "Parity serving on ");
  const auto service = first.substr(0, first.find(' '));
  auto page = banner_value(serve, "Classroom page: ");
  page = page.substr(0, page.find(' '));
  const auto uploads = std::filesystem::path(banner_value(serve, "Uploads go to "));
  ASSERT_FALSE(page.empty());
  ASSERT_TRUE(std::filesystem::is_directory(uploads)) << uploads;

  auto redirect = http::fetch_blocking({"GET", service + "/"}, {.raise_error = false});
  EXPECT_EQ(redirect.status, 302u);
  EXPECT_EQ(redirect.headers[http::field::location], page);
  EXPECT_EQ(http::fetch_blocking({"GET", page}).status, 200u);

  EXPECT_EQ(serve.stop(GetParam()), 0);
  EXPECT_FALSE(std::filesystem::exists(uploads)) << uploads << " was left behind";
}

INSTANTIATE_TEST_SUITE_P(Signals, Serve, testing::Values(SIGTERM, SIGINT), [](const auto& info) {
  return info.param == SIGTERM ? "SIGTERM" : "SIGINT";
});

}  // namespace
}  // namespace parity
