#include "exercises/support/world.hpp"

#include <boost/asio/ip/tcp.hpp>

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

std::string closed_upstream() {
  asio::io_context io;
  asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
  return "http://127.0.0.1:" + std::to_string(probe.local_endpoint().port());
}

}  // namespace parity::exercises
