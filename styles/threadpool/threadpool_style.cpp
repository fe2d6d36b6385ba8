// The threadpool style, as Tornado's @run_on_executor: the sync style's blocking calls, each
// wrapped in run_on_executor and awaited. The call runs on a pool thread (--pool N, 5 by default
// as in the seed's ThreadPoolExecutor(5)) while the loop serves others; the method, a coroutine,
// resumes on the loop with what the call returned or threw. At most N calls wait at once, so
// N/latency bounds the throughput.
//
// GCC 12: as in the coroutine style, the wrapped call is a named lambda, never a temporary
// inside the co_await expression.

#include "app/demo/endpoint.hpp"
#include "app/demo/routes.hpp"
#include "styles/mount.hpp"

#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <functional>
#include <thread>

namespace parity::styles {
namespace {

namespace json = boost::json;
using asio::use_awaitable;
using demo::handler;  // the route table all styles share (app/demo/routes.hpp)
using demo::mount_endpoints;
using demo::UpstreamAnswer;

using Endpoint = demo::Endpoint;

// Even a body with nothing to wait for goes to the pool and back: the hand-off's own cost.
class HelloHandler final : public Endpoint {
 public:
  asio::awaitable<void> get() {
    auto hello = [] { return "Hello, world"; };
    auto text = co_await run_on_executor(hello, use_awaitable);
    finish(text);
  }
};

class FetchHandler final : public Endpoint {
 public:
  asio::awaitable<void> get() {
    auto fetch = [this] { return upstream().delay_blocking({}); };
    try {
      auto reply = co_await run_on_executor(fetch, use_awaitable);
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
    auto sleep = [ms] { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };
    co_await run_on_executor(sleep, use_awaitable);
    answer({{"ms", ms}});
  }
};

// One blocking call after the other, each on a pool thread.
class ChainHandler final : public Endpoint {
 public:
  asio::awaitable<void> get() {
    int length = chain_length();
    json::array steps;
    try {
      std::optional<UpstreamAnswer> previous;
      for (int number = 1; number <= length; ++number) {
        auto params = demo::UpstreamApi::chain_params(number, previous ? &*previous : nullptr);
        auto call = [this, params] { return upstream().delay_blocking(params); };
        previous = co_await run_on_executor(call, use_awaitable);
        steps.push_back(demo::UpstreamApi::echoed(*previous));
      }
    } catch (const http::FetchError& e) {
      co_return answer_upstream_error(e);
    }
    answer({{"n", length}, {"steps", steps}});
  }
};

// One pool job per call, as one parallel group: they run at once up to the pool's size, the
// rest queue for a thread.
class ParallelHandler final : public Endpoint {
 public:
  asio::awaitable<void> get() {
    int width = parallel_width();
    using Blocking = std::function<UpstreamAnswer()>;
    using Call = decltype(run_on_executor(Blocking{}, asio::deferred));
    std::vector<Call> calls;
    for (int i = 0; i < width; ++i) {
      auto params = demo::UpstreamApi::parallel_params(i);
      Blocking call = [this, params] { return upstream().delay_blocking(params); };
      calls.push_back(run_on_executor(call, asio::deferred));
    }
    auto group = asio::experimental::make_parallel_group(std::move(calls));
    auto [order, errors, replies] =
        co_await group.async_wait(asio::experimental::wait_for_all(), use_awaitable);
    json::array results;
    try {
      for (int i = 0; i < width; ++i) {
        if (errors[i]) std::rethrow_exception(errors[i]);  // what the blocking call threw
        results.push_back(demo::UpstreamApi::echoed(replies[i]));
      }
    } catch (const http::FetchError& e) {
      co_return answer_upstream_error(e);
    }
    answer({{"n", width}, {"results", results}});
  }
};

// CPU work on a pool thread: the loop keeps serving meanwhile.
class ComputeHandler final : public Endpoint {
 public:
  asio::awaitable<void> get() {
    auto n = compute_n();
    auto compute = [n] { return demo::sum_of_squares(n); };
    auto sum = co_await run_on_executor(compute, use_awaitable);
    answer({{"n", n}, {"sum", sum}});
  }
};

class CmdbSearchHandler final : public Endpoint {
 public:
  asio::awaitable<void> get() {
    std::string pk = path_arg("pk");
    json::object query = cmdb_query();
    auto search = [this, pk, query] { return cmdb().search_blocking(pk, query); };
    try {
      auto reply = co_await run_on_executor(search, use_awaitable);
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
    auto import = [this, pk, payload] { return cmdb().import_blocking(pk, *payload); };
    try {
      auto reply = co_await run_on_executor(import, use_awaitable);
      answer_cmdb(reply);
    } catch (const http::FetchError& e) {
      answer_cmdb_error(e);
    }
  }
};

// File I/O on a pool thread.
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

// The wait between lines runs on the pool; each line is written and flushed on the loop.
class StreamHandler final : public Endpoint {
 public:
  asio::awaitable<void> get() {
    auto args = stream_args();
    set_header(http::field::content_type, "application/x-ndjson");
    auto sleep = [args] { std::this_thread::sleep_for(std::chrono::milliseconds(args.ms)); };
    for (int number = 0; number < args.lines; ++number) {
      co_await run_on_executor(sleep, use_awaitable);
      write(stream_line(number));
      co_await async_flush(use_awaitable);
    }
  }
};

}  // namespace

void mount_threadpool(http::Application& app, const demo::Context& context) {
  mount_endpoints(app, "threadpool", context,
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
