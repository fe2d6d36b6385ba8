// `parity-floor [--port 8300]`: the floor server of bench/floor/floor.hpp, on its own.

#include "bench/floor/floor.hpp"

#include <boost/asio/signal_set.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  unsigned short port = 8300;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
      port = static_cast<unsigned short>(std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: parity-floor [--port 8300]\n");
      return 2;
    }
  }
  boost::asio::io_context context(1);
  parity::bench::FloorServer floor(context, port);
  boost::asio::signal_set signals(context, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code, int) { context.stop(); });
  std::printf("parity-floor on http://127.0.0.1:%u/\n", floor.port());
  std::fflush(stdout);
  context.run();
  return 0;
}
