// `parity-session-shape [--port 8360] [--threads 1]`: the demo service behind the coroutine-shaped
// connection of coroutine_session.hpp, for bench/run.sh shape. /{style}/hello and /{style}/sleep.

#include "app/service.hpp"
#include "bench/session_shape/coroutine_session.hpp"
#include "common/log/log.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace {

using namespace parity;
using http::tcp;

void accept(tcp::acceptor& acceptor, Loop& loop, std::shared_ptr<const http::Application> app) {
  auto strand = asio::make_strand(loop.context());
  acceptor.async_accept(
      strand, [&acceptor, &loop, app, strand](boost::system::error_code ec, tcp::socket socket) {
        if (ec) return;
        auto session = std::make_shared<bench::CoroutineSession>(std::move(socket), strand, app);
        asio::co_spawn(strand, bench::CoroutineSession::run(std::move(session)), asio::detached);
        accept(acceptor, loop, app);
      });
}

}  // namespace

int main(int argc, char** argv) {
  unsigned short port = 8360;
  unsigned threads = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
      port = static_cast<unsigned short>(std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      threads = static_cast<unsigned>(std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: parity-session-shape [--port 8360] [--threads 1]\n");
      return 2;
    }
  }
  log::set_buffering({});  // as parity serve: the access log buffered 64 KiB, to stderr
  Loop loop;
  auto uploads = std::filesystem::temp_directory_path() / "parity-session-shape";
  std::filesystem::create_directories(uploads);
  app::ServiceOptions options{.upstream_url = "http://127.0.0.1:9", .upload_dir = uploads};
  app::Service service(loop, options);
  tcp::acceptor acceptor(loop.context(), {asio::ip::make_address("127.0.0.1"), port});
  acceptor.listen(asio::socket_base::max_listen_connections);
  accept(acceptor, loop, service.application());
  asio::signal_set signals(loop.context(), SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code, int) { loop.context().stop(); });
  std::printf("parity-session-shape on http://127.0.0.1:%u/\n", port);
  std::fflush(stdout);
  loop.run(threads);
  std::filesystem::remove_all(uploads);
  return 0;
}
