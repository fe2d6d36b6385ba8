// The coroutine style, as Tornado's gen.coroutine and async def: each handler body is a C++20
// coroutine on asio::awaitable that co_awaits the same core operations, so asynchronous code reads
// top to bottom like the sync style, and errors are exceptions. The client going away cancels the
// whole coroutine (close_slot), so its pending upstream call is cancelled too.
//
// GCC 12: bodies are member coroutines, never capturing lambdas; and arguments are named
// variables, never class-type temporaries, inside a co_await expression.

#include "common/demo/handler.hpp"
#include "styles/routes.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace parity::styles {
namespace {

namespace json = boost::json;
using asio::use_awaitable;
using demo::UpstreamAnswer;

class Handler : public demo::Handler {
 public:
  explicit Handler(const demo::Context* context) : demo::Handler(*context, "coroutine") {}

 protected:
  // Runs `body` on this handler's strand until it returns. The completion handler keeps the
  // handler (and so `this` inside body) alive; an HttpError escaping body becomes its status,
  // any other exception a 500.
  void spawn(asio::awaitable<void> body) {
    asio::co_spawn(get_executor(), std::move(body),
                   asio::bind_cancellation_slot(
                       close_slot(), [self = shared_from_this()](std::exception_ptr error) {
                         if (!error || self->finished() || self->connection_closed()) return;
                         try {
                           std::rethrow_exception(error);
                         } catch (const http::HttpError& e) {
                           self->send_error(e.status(), e.reason());
                         } catch (const std::exception& e) {
                           log::error("coroutine", "{} {}: {}", self->request().method_string(),
                                      self->request().target(), e.what());
                           self->send_error(500);
                         }
                       }));
  }
};

class HelloHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override { finish("Hello, world"); }
};

class FetchHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override { spawn(run()); }

 private:
  asio::awaitable<void> run() {
    http::ArgumentList params;
    try {
      auto reply = co_await upstream().async_delay(params, use_awaitable);
      answer_fetch(reply);
    } catch (const boost::system::system_error& e) {
      answer_upstream_error(e.code());
    }
  }
};

class SleepHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override { spawn(run(sleep_ms())); }

 private:
  asio::awaitable<void> run(int ms) {
    asio::steady_timer timer(get_executor(), std::chrono::milliseconds(ms));
    co_await timer.async_wait(use_awaitable);
    answer({{"ms", ms}});
  }
};

// The sync style's loop, with co_await: each step waits for the last without blocking.
class ChainHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override { spawn(run(chain_length())); }

 private:
  asio::awaitable<void> run(int length) {
    json::array steps;
    try {
      std::optional<UpstreamAnswer> previous;
      for (int number = 1; number <= length; ++number) {
        auto params = demo::UpstreamApi::chain_params(number, previous ? &*previous : nullptr);
        previous = co_await upstream().async_delay(params, use_awaitable);
        steps.push_back(demo::UpstreamApi::echoed(*previous));
      }
    } catch (const boost::system::system_error& e) {
      co_return answer_upstream_error(e.code());
    }
    answer({{"n", length}, {"steps", steps}});
  }
};

// All calls start at once as one parallel group; co_await resumes when every one is done.
class ParallelHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override { spawn(run(parallel_width())); }

 private:
  asio::awaitable<void> run(int width) {
    using Call = decltype(upstream().async_delay(http::ArgumentList{}, asio::deferred));
    std::vector<Call> calls;
    for (int i = 0; i < width; ++i) {
      calls.push_back(
          upstream().async_delay(demo::UpstreamApi::parallel_params(i), asio::deferred));
    }
    auto group = asio::experimental::make_parallel_group(std::move(calls));
    auto [order, errors, replies] =
        co_await group.async_wait(asio::experimental::wait_for_all(), use_awaitable);
    json::array results;
    for (int i = 0; i < width; ++i) {
      if (errors[i]) co_return answer_upstream_error(errors[i]);
      results.push_back(demo::UpstreamApi::echoed(replies[i]));
    }
    answer({{"n", width}, {"results", results}});
  }
};

// CPU work runs right here, on the loop: every other request waits meanwhile.
class ComputeHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override {
    auto n = compute_n();
    answer({{"n", n}, {"sum", demo::sum_of_squares(n)}});
  }
};

class CmdbSearchHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override { spawn(run(path_arg("pk"), cmdb_query())); }

 private:
  asio::awaitable<void> run(std::string pk, json::object query) {
    try {
      auto reply = co_await cmdb().async_search(pk, query, use_awaitable);
      answer_cmdb({}, reply);
    } catch (const boost::system::system_error& e) {
      answer_cmdb(e.code(), {});
    }
  }
};

class CmdbImportHandler final : public Handler {
 public:
  using Handler::Handler;
  void post() override {
    auto payload = cmdb_payload();
    if (payload) spawn(run(path_arg("pk"), std::move(*payload)));
  }

 private:
  asio::awaitable<void> run(std::string pk, json::value payload) {
    try {
      auto reply = co_await cmdb().async_import(pk, payload, use_awaitable);
      answer_cmdb({}, reply);
    } catch (const boost::system::system_error& e) {
      answer_cmdb(e.code(), {});
    }
  }
};

// File I/O goes to the pool; co_await resumes here with its outcome.
class UploadHandler final : public Handler {
 public:
  using Handler::Handler;
  void post() override { spawn(save(files())); }
  void delete_() override { spawn(remove(argument("directory"), argument("filename"))); }

 private:
  asio::awaitable<void> save(std::vector<http::UploadedFile> files) {
    auto work = [&context = context(), files = std::move(files)] {
      return demo::save_uploads(context, files);
    };
    answer_upload(co_await demo::async_on_pool(*context().pool, work, use_awaitable));
  }
  asio::awaitable<void> remove(std::optional<std::string> directory,
                               std::optional<std::string> filename) {
    auto work = [&context = context(), directory, filename] {
      return demo::delete_upload(context, directory, filename);
    };
    answer_upload(co_await demo::async_on_pool(*context().pool, work, use_awaitable));
  }
};

// A plain loop: wait, write, flush.
class StreamHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override {
    set_header(http::field::content_type, "application/x-ndjson");
    spawn(run(stream_args()));
  }

 private:
  asio::awaitable<void> run(demo::StreamArgs args) {
    asio::steady_timer timer(get_executor());
    for (int number = 0; number < args.lines; ++number) {
      timer.expires_after(std::chrono::milliseconds(args.ms));
      co_await timer.async_wait(use_awaitable);
      write(stream_line(number));
      co_await async_flush(use_awaitable);
    }
    finish();
  }
};

}  // namespace

void mount_coroutine(http::Application& app, const demo::Context& context) {
  mount_endpoints<HelloHandler, FetchHandler, SleepHandler, ChainHandler, ParallelHandler,
                  ComputeHandler, CmdbSearchHandler, CmdbImportHandler, UploadHandler,
                  StreamHandler>(app, "coroutine", context);
}

}  // namespace parity::styles
