#include "tutorials/16_a_loop_from_scratch/asio_sleep_server.hpp"

#include <boost/asio/write.hpp>

namespace parity::tutorials {

using asio::ip::tcp;
using error_code = boost::system::error_code;

AsioSleepServer::AsioSleepServer(Loop& loop, int together, toy::Limits limits)
    : loop_(loop),
      limits_(limits),
      waits_(together),
      acceptor_(loop.context(), {asio::ip::address_v4::loopback(), 0}) {
  port_ = acceptor_.local_endpoint().port();
  accept();
}

// [excerpt: callbacks]
void AsioSleepServer::accept() {
  acceptor_.async_accept([this](error_code error, tcp::socket socket) {
    if (error) return;  // the acceptor closed: the loop is going
    auto connection = std::make_shared<Connection>(std::move(socket), connections_);
    connection->refused = *connections_ > limits_.max_clients;  // 503 once its request is read
    read(connection);
    accept();
  });
}

void AsioSleepServer::read(std::shared_ptr<Connection> connection) {
  auto& c = *connection;
  c.socket.async_read_some(
      asio::buffer(c.buffer), [this, connection](error_code error, std::size_t got) {
        if (error) return;  // the client left; the socket closes with the last copy of `connection`
        auto& c = *connection;
        c.in.append(c.buffer.data(), got);
        if (c.in.find("\r\n\r\n") == std::string::npos) {
          if (c.in.size() > limits_.max_request)
            return answer(connection, 431, "request too large\n");
          return read(connection);
        }
        auto ask = c.refused ? toy::Ask{503, 0} : toy::parse_sleep(c.in, limits_);
        if (ask.status != 0)
          return answer(connection, ask.status, ask.status == 503 ? "busy\n" : "no\n");
        c.waiting = true;
        waits_.begin();
        loop_.call_later(std::chrono::milliseconds(ask.ms), [this, connection, ms = ask.ms] {
          waits_.slept([this, connection, ms] {
            answer(connection, 200,
                   "slept " + std::to_string(ms) + " ms; " + std::to_string(waits_.peak()) +
                       " waits were in flight at once\n");
          });
        });
      });
}
// [/excerpt]

void AsioSleepServer::answer(std::shared_ptr<Connection> connection, int status, std::string body) {
  connection->out = toy::response(status, body);
  asio::async_write(connection->socket, asio::buffer(connection->out),
                    [this, connection](error_code, std::size_t) {
                      if (connection->waiting) waits_.end();
                    });
}

}  // namespace parity::tutorials
