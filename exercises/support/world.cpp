#include "exercises/support/world.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <cctype>
#include <random>

namespace parity::exercises {

std::string SlowLibrary::lookup(const std::string& key) {
  std::unique_lock lock(mutex_);
  int generation = generation_;
  if (++inside_ >= callers_) {  // the last to arrive lets everyone go
    inside_ = 0;
    ++generation_;
    arrived_.notify_all();
    return "value of " + key;
  }
  if (!arrived_.wait_for(lock, std::chrono::seconds(2),
                         [&] { return generation_ != generation; })) {
    --inside_;
    throw std::runtime_error("lookup waited 2 s for a second caller that never came");
  }
  return "value of " + key;
}

bool SlowLibrary::crunch() {
  crunching_ = true;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  volatile unsigned long long sum = 0;
  while (!released_ && std::chrono::steady_clock::now() < deadline)
    for (int i = 0; i < 10'000; ++i) sum = sum + static_cast<unsigned long long>(i) * i;
  crunching_ = false;
  return released_;
}

void SlowLibrary::release() {
  released_ = true;
}

namespace {
thread_local std::function<void()> t_after_unlock;
}

void CheckedMutex::unlock() {
  mutex_.unlock();
  if (t_after_unlock) std::exchange(t_after_unlock, nullptr)();
}

void CheckedMutex::after_next_unlock(std::function<void()> then) {
  t_after_unlock = std::move(then);
}

bool CheckedMutex::pending_after_unlock() {
  return static_cast<bool>(t_after_unlock);
}

std::string to_string(Via via) {
  switch (via) {
    case Via::callback:
      return "a callback";
    case Via::future:
      return "use_future (a Future)";
    case Via::awaitable:
      return "asio::use_awaitable (a coroutine)";
    case Via::deferred:
      return "asio::deferred";
  }
  return "?";
}

int RecordingClient::calls() const {
  int all = 0;
  for (const auto& count : calls_) all += count;
  return all;
}

std::string World::random_nonce() {
  std::random_device seed;
  return fmt::format("{:08x}{:08x}", seed(), seed());
}

std::string World::upstream_body(const std::string& path) const {
  return http::fetch_blocking({"GET", upstream_.url() + path}).body;
}

std::vector<std::string> World::complaints() const {
  std::lock_guard lock(log_mutex_);
  std::vector<std::string> found;
  for (const auto& line : log_)
    if (line.starts_with("[E")) found.push_back(line);
  return found;
}

bool World::core_refused() const {
  for (const auto& line : complaints())
    if (line.find("Answered 500.") != std::string::npos ||
        line.find("let go of") != std::string::npos)
      return true;
  return false;
}

std::string World::server_said() const {
  auto all = complaints();
  if (all.empty()) return {};
  // "[E 261201 23:40:01 http] GET /fetch (route /fetch, exercise::FetchHandler): ...": the
  // mistake is after the request's description.
  std::string line = all.front();
  if (auto end = line.find("] "); end != std::string::npos) line = line.substr(end + 2);
  if (auto colon = line.find("): "); colon != std::string::npos) line = line.substr(colon + 3);
  // Boost's what() ends with the code, " [parity.fetch:2]": no words for a student.
  for (auto open = line.find(" ["); open != std::string::npos; open = line.find(" [", open + 1)) {
    auto close = line.find(']', open);
    auto colon = line.rfind(':', close);
    if (close != std::string::npos && colon != std::string::npos && colon > open &&
        colon + 1 < close && std::isdigit(static_cast<unsigned char>(line[colon + 1])))
      line.erase(open, close - open + 1);
  }
  return "\n           the server said: " + line;
}

std::string closed_upstream() {
  asio::io_context io;
  asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
  return "http://127.0.0.1:" + std::to_string(probe.local_endpoint().port());
}

}  // namespace parity::exercises
