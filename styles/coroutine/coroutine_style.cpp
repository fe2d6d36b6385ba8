// The coroutine style, as Tornado's gen.coroutine and async def: each method is a C++20
// coroutine on asio::awaitable that co_awaits the same core operations, so asynchronous code
// reads top to bottom like the sync style, and errors are exceptions. The core starts the method
// on the handler's strand and finishes the request when it returns; the client going away
// cancels the whole coroutine, so its pending upstream call is cancelled too.
//
// GCC 12: methods are member coroutines, never capturing lambdas; and arguments are named
// variables, never class-type temporaries, inside a co_await expression.

#include "app/demo/endpoint.hpp"
#include "app/demo/routes.hpp"
#include "styles/mount.hpp"

#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace parity::styles {
namespace {

namespace json = boost::json;
using asio::use_awaitable;
using demo::handler;  // the route table all styles share (app/demo/routes.hpp)
using demo::mount_endpoints;
using demo::UpstreamAnswer;

using Endpoint = demo::Endpoint;

class HelloHandler final : public Endpoint {
 public:
  void get() { finish("Hello, world"); }
};

class FetchHandler final : public Endpoint {
 public:
  asio::awaitable<void> get() {
    http::ArgumentList params;
    try {
      auto reply = co_await upstream().async_delay(params, use_awaitable);
      answer_fetch(reply);
    } catch (const http::FetchError& e) {
      answer_upstream_error(e);
    }
  }
};

class SleepHandler final : public Endpoint {
 public:
  asio::awaitable<void> get() {
    int ms = sleep_ms();
    asio::steady_timer timer(get_executor(), std::chrono::milliseconds(ms));
    co_await timer.async_wait(use_awaitable);
    answer({{"ms", ms}});
  }
};

// The sync style's loop, with co_await: each step waits for the last without blocking.
class ChainHandler final : public Endpoint {
 public:
  asio::awaitable<void> get() {
    int length = chain_length();
    json::array steps;
    try {
      std::optional<UpstreamAnswer> previous;
      for (int number = 1; number <= length; ++number) {
        auto params = demo::UpstreamApi::chain_params(number, previous ? &*previous : nullptr);
        previous = co_await upstream().async_delay(params, use_awaitable);
        steps.push_back(demo::UpstreamApi::echoed(*previous));
      }
    } catch (const http::FetchError& e) {
      co_return answer_upstream_error(e);
    }
    answer({{"n", length}, {"steps", steps}});
  }
};

// All calls start at once as one parallel group; co_await resumes when every one is done.
class ParallelHandler final : public Endpoint {
 public:
  asio::awaitable<void> get() {
    int width = parallel_width();
    using Call = decltype(upstream().async_delay(http::ArgumentList{}, asio::deferred));
    std::vector<Call> calls;
    for (int i = 0; i < width; ++i) {
      auto params = demo::UpstreamApi::parallel_params(i);
      calls.push_back(upstream().async_delay(params, asio::deferred));
    }
    auto group = asio::experimental::make_parallel_group(std::move(calls));
    auto [order, errors, replies] =
        co_await group.async_wait(asio::experimental::wait_for_all(), use_awaitable);
    json::array results;
    for (int i = 0; i < width; ++i) {
      if (errors[i]) co_return answer_upstream_error(errors[i], replies[i]);
      results.push_back(demo::UpstreamApi::echoed(replies[i]));
    }
    answer({{"n", width}, {"results", results}});
  }
};

// CPU work runs right here, on the loop: every other request waits meanwhile.
class ComputeHandler final : public Endpoint {
 public:
  void get() {
    auto n = compute_n();
    auto sum = demo::sum_of_squares(n);
    answer({{"n", n}, {"sum", sum}});
  }
};

class CmdbSearchHandler final : public Endpoint {
 public:
  asio::awaitable<void> get() {
    std::string pk = path_arg("pk");
    json::object query = cmdb_query();
    try {
      auto reply = co_await cmdb().async_search(pk, query, use_awaitable);
      answer_cmdb(reply);
    } catch (const http::FetchError& e) {
      answer_cmdb_error(e);
    }
  }
};

class CmdbImportHandler final : public Endpoint {
 public:
  asio::awaitable<void> post() {
    auto payload = cmdb_payload();
    if (!payload) co_return;
    std::string pk = path_arg("pk");
    try {
      auto reply = co_await cmdb().async_import(pk, *payload, use_awaitable);
      answer_cmdb(reply);
    } catch (const http::FetchError& e) {
      answer_cmdb_error(e);
    }
  }
};

// File I/O goes to the pool; co_await resumes here with its outcome.
class UploadHandler final : public Endpoint {
 public:
  asio::awaitable<void> post() {
    auto save = [this, files = uploads()] { return demo::save_uploads(context(), files); };
    auto outcome = co_await run_on_executor(save, use_awaitable);
    answer_upload(outcome);
  }
  asio::awaitable<void> delete_() {
    auto remove = [this, directory = argument("directory"), filename = argument("filename")] {
      return demo::delete_upload(context(), directory, filename);
    };
    auto outcome = co_await run_on_executor(remove, use_awaitable);
    answer_upload(outcome);
  }
};

// A plain loop: wait, write, flush.
class StreamHandler final : public Endpoint {
 public:
  asio::awaitable<void> get() {
    auto args = stream_args();
    set_header(http::field::content_type, "application/x-ndjson");
    asio::steady_timer timer(get_executor());
    for (int number = 0; number < args.lines; ++number) {
      timer.expires_after(std::chrono::milliseconds(args.ms));
      co_await timer.async_wait(use_awaitable);
      write(stream_line(number));
      co_await async_flush(use_awaitable);
    }
  }
};

}  // namespace

void mount_coroutine(http::Application& app, const demo::Context& context) {
  mount_endpoints(app, "coroutine", context,
                  {.hello = handler<HelloHandler>,
                   .fetch = handler<FetchHandler>,
                   .sleep = handler<SleepHandler>,
                   .chain = handler<ChainHandler>,
                   .parallel = handler<ParallelHandler>,
                   .compute = handler<ComputeHandler>,
                   .cmdb_search = handler<CmdbSearchHandler>,
                   .cmdb_import = handler<CmdbImportHandler>,
                   .upload = handler<UploadHandler>,
                   .stream = handler<StreamHandler>});
}

}  // namespace parity::styles
