// The sync style: the "before" of every tutorial. Each handler blocks right here on the loop
// thread (a blocking fetch, sleep_for, file I/O), so while one request waits, every other
// request of this process waits too. That stall is the lesson: see bench/README.md.
//
// A method is a plain function, and its return finishes the request, as a Tornado `def get`.
// Errors are exceptions: the blocking calls throw http::FetchError.

#include "app/demo/endpoint.hpp"
#include "app/demo/routes.hpp"
#include "styles/mount.hpp"

#include <thread>

namespace parity::styles {
namespace {

namespace json = boost::json;
using boost::system::error_code;
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
  void get() {
    try {
      auto reply = upstream().delay_blocking({});
      answer_fetch(reply);
    } catch (const http::FetchError& e) {
      answer_upstream_error(e);
    }
  }
};

class SleepHandler final : public Endpoint {
 public:
  void get() {
    int ms = sleep_ms();
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    answer({{"ms", ms}});
  }
};

// One call after the other, each waiting for the last: straight-line code, and slow.
class ChainHandler final : public Endpoint {
 public:
  void get() {
    int length = chain_length();
    json::array steps;
    try {
      std::optional<UpstreamAnswer> previous;
      for (int number = 1; number <= length; ++number) {
        auto params = demo::UpstreamApi::chain_params(number, previous ? &*previous : nullptr);
        previous = upstream().delay_blocking(params);
        steps.push_back(demo::UpstreamApi::echoed(*previous));
      }
    } catch (const http::FetchError& e) {
      return answer_upstream_error(e);
    }
    answer({{"n", length}, {"steps", steps}});
  }
};

// "At once" is not possible when every call blocks: they run one after the other.
class ParallelHandler final : public Endpoint {
 public:
  void get() {
    int width = parallel_width();
    json::array results;
    try {
      for (int i = 0; i < width; ++i) {
        auto params = demo::UpstreamApi::parallel_params(i);
        auto reply = upstream().delay_blocking(params);
        results.push_back(demo::UpstreamApi::echoed(reply));
      }
    } catch (const http::FetchError& e) {
      return answer_upstream_error(e);
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
  void get() {
    std::string pk = path_arg("pk");
    json::object query = cmdb_query();
    try {
      auto reply = cmdb().search_blocking(pk, query);
      answer_cmdb(reply);
    } catch (const http::FetchError& e) {
      answer_cmdb_error(e);
    }
  }
};

class CmdbImportHandler final : public Endpoint {
 public:
  void post() {
    auto payload = cmdb_payload();
    if (!payload) return;
    std::string pk = path_arg("pk");
    try {
      auto reply = cmdb().import_blocking(pk, *payload);
      answer_cmdb(reply);
    } catch (const http::FetchError& e) {
      answer_cmdb_error(e);
    }
  }
};

// File I/O right here, on the loop.
class UploadHandler final : public Endpoint {
 public:
  void post() {
    auto outcome = demo::save_uploads(context(), uploads());
    answer_upload(outcome);
  }
  void delete_() {
    auto outcome = demo::delete_upload(context(), argument("directory"), argument("filename"));
    answer_upload(outcome);
  }
};

// Sleeping on the loop also keeps the flushed lines from leaving: they go out together, at the
// end, when the loop is free to write them. Blocking code cannot stream.
class StreamHandler final : public Endpoint {
 public:
  void get() {
    auto args = stream_args();
    set_header(http::field::content_type, "application/x-ndjson");
    for (int number = 0; number < args.lines; ++number) {
      std::this_thread::sleep_for(std::chrono::milliseconds(args.ms));
      write(stream_line(number));
      async_flush([](error_code) {});
    }
  }
};

}  // namespace

void mount_sync(http::Application& app, const demo::Context& context) {
  mount_endpoints(app, "sync", context,
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
