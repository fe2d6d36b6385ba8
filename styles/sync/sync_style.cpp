// The sync style: the "before" of every tutorial. Each handler blocks right here on the loop
// thread (a blocking fetch, sleep_for, file I/O), so while one request waits, every other
// request of this process waits too. That stall is the lesson: see bench/README.md.

#include "common/demo/handler.hpp"
#include "styles/routes.hpp"

#include <thread>

namespace parity::styles {
namespace {

namespace json = boost::json;
using boost::system::error_code;
using demo::UpstreamAnswer;

class Handler : public demo::Handler {
 public:
  explicit Handler(const demo::Context* context) : demo::Handler(*context, "sync") {}
};

class HelloHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override { finish("Hello, world"); }
};

class FetchHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override {
    try {
      answer_fetch(upstream().delay_blocking({}));
    } catch (...) {
      answer_upstream_error(std::current_exception());
    }
  }
};

class SleepHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override {
    int ms = sleep_ms();
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    answer({{"ms", ms}});
  }
};

// One call after the other, each waiting for the last: straight-line code, and slow.
class ChainHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override {
    int length = chain_length();
    json::array steps;
    try {
      std::optional<UpstreamAnswer> previous;
      for (int number = 1; number <= length; ++number) {
        previous = upstream().delay_blocking(
            demo::UpstreamApi::chain_params(number, previous ? &*previous : nullptr));
        steps.push_back(demo::UpstreamApi::echoed(*previous));
      }
    } catch (...) {
      return answer_upstream_error(std::current_exception());
    }
    answer({{"n", length}, {"steps", steps}});
  }
};

// "At once" is not possible when every call blocks: they run one after the other.
class ParallelHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override {
    int width = parallel_width();
    json::array results;
    try {
      for (int i = 0; i < width; ++i) {
        results.push_back(demo::UpstreamApi::echoed(
            upstream().delay_blocking(demo::UpstreamApi::parallel_params(i))));
      }
    } catch (...) {
      return answer_upstream_error(std::current_exception());
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
  void get() override {
    try {
      answer_cmdb({}, cmdb().search_blocking(path_arg("pk"), cmdb_query()));
    } catch (...) {
      answer_cmdb(std::current_exception());
    }
  }
};

class CmdbImportHandler final : public Handler {
 public:
  using Handler::Handler;
  void post() override {
    auto payload = cmdb_payload();
    if (!payload) return;
    try {
      answer_cmdb({}, cmdb().import_blocking(path_arg("pk"), std::move(*payload)));
    } catch (...) {
      answer_cmdb(std::current_exception());
    }
  }
};

// File I/O right here, on the loop.
class UploadHandler final : public Handler {
 public:
  using Handler::Handler;
  void post() override { answer_upload(demo::save_uploads(context(), files())); }
  void delete_() override {
    answer_upload(demo::delete_upload(context(), argument("directory"), argument("filename")));
  }
};

// Sleeping on the loop also keeps the flushed lines from leaving: they go out together, at the
// end, when the loop is free to write them. Blocking code cannot stream.
class StreamHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override {
    auto args = stream_args();
    set_header(http::field::content_type, "application/x-ndjson");
    for (int number = 0; number < args.lines; ++number) {
      std::this_thread::sleep_for(std::chrono::milliseconds(args.ms));
      write(stream_line(number));
      async_flush([](error_code) {});
    }
    finish();
  }
};

}  // namespace

void mount_sync(http::Application& app, const demo::Context& context) {
  mount_endpoints<HelloHandler, FetchHandler, SleepHandler, ChainHandler, ParallelHandler,
                  ComputeHandler, CmdbSearchHandler, CmdbImportHandler, UploadHandler,
                  StreamHandler>(app, "sync", context);
}

}  // namespace parity::styles
