#include "common/http/server/server.hpp"

#include "common/http/server/server_state.hpp"
#include "common/http/server/session.hpp"
#include "common/log/log.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <system_error>

namespace parity::http {

// ---- ServerState ----------------------------------------------------------------------------

void detail::ServerState::add(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mutex);
  sessions.emplace(session.get(), session);
}

std::vector<std::shared_ptr<Session>> detail::ServerState::snapshot() {
  std::vector<std::shared_ptr<Session>> alive;
  std::lock_guard lock(mutex);
  for (auto& [key, weak] : sessions) {
    if (auto session = weak.lock()) alive.push_back(std::move(session));
  }
  return alive;
}

void detail::ServerState::remove(const Session* session) {
  std::function<void()> drained;
  {
    std::lock_guard lock(mutex);
    sessions.erase(session);
    if (shutting_down && sessions.empty()) drained = std::exchange(on_drained, nullptr);
  }
  if (drained) drained();
}

// ---- Server ---------------------------------------------------------------------------------

std::size_t default_max_connections() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 10'000;
  auto files = static_cast<std::size_t>(limit.rlim_cur);
  return std::max<std::size_t>(16, files > 128 ? (files - 64) / 2 : files / 4);
}

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(Loop& l, std::shared_ptr<const ServerDelegate> delegate, ServerOptions options)
      : loop(l),
        strand(asio::make_strand(l.context())),
        acceptor(strand),
        retry_timer(strand),
        grace_timer(strand),
        sweep_timer(strand),
        signals(strand),
        state(std::make_shared<detail::ServerState>()) {
    state->delegate = std::move(delegate);
    state->default_headers = resolve_headers(state->delegate->default_headers);
    if (options.max_connections == 0) options.max_connections = default_max_connections();
    state->options = options;
  }

  Loop& loop;
  asio::strand<asio::io_context::executor_type> strand;  // for the acceptor and the timers
  tcp::acceptor acceptor;
  asio::steady_timer retry_timer;
  asio::steady_timer grace_timer;
  asio::steady_timer sweep_timer;
  asio::signal_set signals;
  std::shared_ptr<detail::ServerState> state;

  // Closes the connections whose deadline has passed. It runs four times per shortest timeout
  // (at least every second), so a timeout is enforced within a quarter of itself.
  void sweep() {
    const auto& o = state->options;
    auto period = std::clamp(std::min({o.idle_timeout, o.body_timeout, o.write_timeout}) / 4,
                             std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
    sweep_timer.expires_after(period);
    sweep_timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec) return;
      auto now = Clock::now();
      for (auto& session : self->state->snapshot()) session->expire_if_due(now);
      self->sweep();
    });
  }

  void start() {
    accept();
    sweep();
  }

  void accept() {
    auto session_strand = asio::make_strand(loop.context());
    // Accepted onto the new connection's strand: the socket's executor is the strand, by type.
    acceptor.async_accept(session_strand, [self = shared_from_this()](boost::system::error_code ec,
                                                                      Session::socket_type socket) {
      if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
      if (ec) {
        // Out of file descriptors, most often: wait a little rather than spin.
        if (self->accept_warning.due())
          log::warning("http", "accept failed: {}; retrying every 100ms", ec.message());
        self->retry_timer.expires_after(std::chrono::milliseconds(100));
        self->retry_timer.async_wait([self](boost::system::error_code wait_ec) {
          if (!wait_ec) self->accept();
        });
        return;
      }
      if (!self->make_room()) {
        boost::system::error_code ignored;
        socket.close(ignored);  // refused at once: better than waiting unserved
        self->accept();
        return;
      }
      auto session = std::make_shared<Session>(std::move(socket), self->state);
      self->state->add(session);
      session->start();
      self->accept();
    });
  }

  // At the connection cap: closes the longest-idle kept-alive connection to let a new one in.
  // False if every connection is busy, and the new one must be refused.
  bool make_room() {
    std::size_t cap = state->options.max_connections;
    {
      std::lock_guard lock(state->mutex);
      if (state->sessions.size() < cap) return true;
    }
    std::shared_ptr<Session> idlest;
    for (auto& session : state->snapshot()) {
      if (session->idle_since() != Clock::time_point::max() &&
          (!idlest || session->idle_since() < idlest->idle_since()))
        idlest = session;
    }
    if (idlest) {
      if (cap_warning.due())
        log::warning("http", "at the connection cap ({}): closing the longest-idle connection",
                     cap);
      idlest->force_close();
      return true;
    }
    if (cap_warning.due())
      log::warning("http", "at the connection cap ({}), every connection busy: refusing", cap);
    return false;
  }

  // A warning that repeats under load is written at most once a second.
  struct RateLimit {
    Clock::time_point next{};
    bool due() {
      auto now = Clock::now();
      if (now < next) return false;
      next = now + std::chrono::seconds(1);
      return true;
    }
  };
  RateLimit accept_warning;  // on `strand`, as accept() is
  RateLimit cap_warning;

  void shutdown(Clock::duration grace, std::function<void()> done) {
    asio::dispatch(strand, [impl = shared_from_this(), grace, done = std::move(done)]() mutable {
      boost::system::error_code ec;
      impl->acceptor.close(ec);
      // `done` runs once, on the loop: when the last session goes, or when grace runs out.
      auto once = std::make_shared<std::once_flag>();
      // The state holds `finish` as on_drained, and `finish` holds impl, which holds the state:
      // whoever calls it first breaks that cycle (else both leak at exit).
      auto finish = [impl, once, done = std::move(done)] {
        std::call_once(*once, [&] { asio::post(impl->strand, done); });
        std::function<void()> drop;
        std::lock_guard lock(impl->state->mutex);
        drop = std::exchange(impl->state->on_drained, nullptr);
      };
      {
        std::lock_guard lock(impl->state->mutex);
        impl->state->shutting_down = true;
        impl->state->on_drained = finish;
      }
      auto sessions = impl->state->snapshot();
      log::info("http", "shutting down: {} connection(s) open, waiting up to {}ms", sessions.size(),
                std::chrono::duration_cast<std::chrono::milliseconds>(grace).count());
      if (sessions.empty()) return finish();
      for (auto& session : sessions) session->shutdown();
      sessions.clear();
      impl->grace_timer.expires_after(grace);
      impl->grace_timer.async_wait([impl, finish](boost::system::error_code wait_ec) {
        if (wait_ec) return;
        auto left = impl->state->snapshot();
        if (!left.empty())
          log::warning("http", "grace period over: closing {} connection(s)", left.size());
        for (auto& session : left) session->force_close();
        finish();
      });
    });
  }
};

Server::Server(Loop& loop, std::shared_ptr<const ServerDelegate> delegate, ServerOptions options)
    : impl_(std::make_shared<Impl>(loop, std::move(delegate), options)) {}

Server::~Server() {
  auto stop_everything = [impl = impl_](bool loop_stopped) {
    boost::system::error_code ec;
    impl->acceptor.close(ec);
    impl->signals.cancel(ec);
    impl->retry_timer.cancel();
    impl->grace_timer.cancel();
    impl->sweep_timer.cancel();
    for (auto& session : impl->state->snapshot()) {
      if (loop_stopped)
        session->close_now();
      else
        session->force_close();
    }
  };
  // With the loop stopped nothing else touches the sessions, so they are closed here and now;
  // otherwise on their strands. Either way a request in flight lets go of its session.
  if (impl_->loop.context().stopped())
    stop_everything(true);
  else
    asio::dispatch(impl_->strand, [stop_everything] { stop_everything(false); });
}

void Server::listen(std::string_view host, unsigned short port) {
  try {
    tcp::endpoint endpoint(asio::ip::make_address(host), port);
    impl_->acceptor.open(endpoint.protocol());
    impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
    impl_->acceptor.bind(endpoint);
    impl_->acceptor.listen(asio::socket_base::max_listen_connections);
  } catch (const boost::system::system_error& e) {
    throw std::system_error(e.code(), fmt::format("cannot listen on {}:{}", host, port));
  }
  asio::dispatch(impl_->strand, [impl = impl_] { impl->start(); });
}

void Server::adopt(int listening_socket) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  ::getsockname(listening_socket, reinterpret_cast<sockaddr*>(&address), &length);
  impl_->acceptor.assign(address.ss_family == AF_INET6 ? tcp::v6() : tcp::v4(), listening_socket);
  asio::dispatch(impl_->strand, [impl = impl_] { impl->start(); });
}

unsigned short Server::port() const {
  return impl_->acceptor.local_endpoint().port();
}

std::size_t Server::connection_count() const {
  std::lock_guard lock(impl_->state->mutex);
  return impl_->state->sessions.size();
}

void Server::shutdown(Clock::duration grace, std::function<void()> done) {
  impl_->shutdown(grace, std::move(done));
}

void Server::stop_on_signals(Clock::duration grace) {
  impl_->signals.add(SIGINT);
  impl_->signals.add(SIGTERM);
  impl_->signals.async_wait([impl = impl_, grace](boost::system::error_code ec, int signal_number) {
    if (ec) return;
    log::info("http", "received {}: stopping", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
    impl->shutdown(grace, [impl] { impl->loop.stop(); });
  });
}

}  // namespace parity::http
