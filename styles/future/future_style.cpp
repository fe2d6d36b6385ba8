// The Future style, as Tornado's Futures with add_done_callback (and asyncio's): every operation
// returns a parity::Future right away (the use_future token turns the core's operations into
// Futures), and the answer is written by a done callback. Callbacks run on the handler's strand,
// never inline. multi() waits for many at once.

#include "common/demo/handler.hpp"
#include "styles/future/combinators.hpp"
#include "styles/routes.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>

namespace parity::styles {
namespace {

namespace json = boost::json;
using boost::system::error_code;
using demo::UpstreamAnswer;

class Handler : public demo::Handler {
 public:
  explicit Handler(const demo::Context* context) : demo::Handler(*context, "future") {}

 protected:
  // Futures that complete, and call back, on this handler's strand.
  use_future_t on_loop() { return use_future(get_executor()); }
  // The same, whose operation is cancelled if the client goes away.
  auto on_loop_until_close() { return asio::bind_cancellation_slot(close_slot(), on_loop()); }
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
    Future<UpstreamAnswer> reply = upstream().async_delay({}, on_loop_until_close());
    reply.add_done_callback([self = shared_from_this(), this](Future<UpstreamAnswer> done) {
      try {
        answer_fetch(done.result());
      } catch (...) {
        answer_upstream_error(std::current_exception());
      }
    });
  }
};

class SleepHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override {
    int ms = sleep_ms();
    parity::sleep(get_executor(), std::chrono::milliseconds(ms))
        .add_done_callback([self = shared_from_this(), this, ms](Future<void>) {
          answer({{"ms", ms}});
        });
  }
};

// Each step's callback starts the next step's Future.
class ChainHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override {
    length_ = chain_length();
    step(1, nullptr);
  }

 private:
  void step(int number, const UpstreamAnswer* previous) {
    Future<UpstreamAnswer> reply = upstream().async_delay(
        demo::UpstreamApi::chain_params(number, previous), on_loop_until_close());
    reply.add_done_callback([self = shared_from_this(), this, number](Future<UpstreamAnswer> done) {
      UpstreamAnswer result;
      try {
        result = done.result();
      } catch (...) {
        return answer_upstream_error(std::current_exception());
      }
      steps_.push_back(demo::UpstreamApi::echoed(result));
      if (number == length_) return answer({{"n", length_}, {"steps", steps_}});
      step(number + 1, &result);
    });
  }
  int length_ = 0;
  json::array steps_;
};

// All Futures start at once; multi() gathers them, in order.
class ParallelHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override {
    int width = parallel_width();
    std::vector<Future<UpstreamAnswer>> replies;
    for (int i = 0; i < width; ++i) {
      replies.push_back(upstream().async_delay(demo::UpstreamApi::parallel_params(i), on_loop()));
    }
    multi(replies, get_executor())
        .add_done_callback(
            [self = shared_from_this(), this, width](Future<std::vector<UpstreamAnswer>> all) {
              json::array results;
              try {
                for (const auto& reply : all.result())
                  results.push_back(demo::UpstreamApi::echoed(reply));
              } catch (...) {
                return answer_upstream_error(std::current_exception());
              }
              answer({{"n", width}, {"results", results}});
            });
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
    Future<UpstreamAnswer> reply =
        cmdb().async_search(path_arg("pk"), cmdb_query(), on_loop_until_close());
    reply.add_done_callback([self = shared_from_this(), this](Future<UpstreamAnswer> done) {
      try {
        answer_cmdb({}, done.result());
      } catch (...) {
        answer_cmdb(std::current_exception());
      }
    });
  }
};

class CmdbImportHandler final : public Handler {
 public:
  using Handler::Handler;
  void post() override {
    auto payload = cmdb_payload();
    if (!payload) return;
    Future<UpstreamAnswer> reply =
        cmdb().async_import(path_arg("pk"), std::move(*payload), on_loop_until_close());
    reply.add_done_callback([self = shared_from_this(), this](Future<UpstreamAnswer> done) {
      try {
        answer_cmdb({}, done.result());
      } catch (...) {
        answer_cmdb(std::current_exception());
      }
    });
  }
};

// File I/O goes to the pool; its outcome is a Future.
class UploadHandler final : public Handler {
 public:
  using Handler::Handler;
  void post() override {
    Future<demo::UploadOutcome> outcome = demo::async_on_pool(
        *context().pool,
        [&context = context(), files = files()] { return demo::save_uploads(context, files); },
        on_loop());
    outcome.add_done_callback([self = shared_from_this(), this](Future<demo::UploadOutcome> done) {
      answer_upload(done.result());
    });
  }
  void delete_() override {
    Future<demo::UploadOutcome> outcome = demo::async_on_pool(
        *context().pool,
        [&context = context(), directory = argument("directory"), filename = argument("filename")] {
          return demo::delete_upload(context, directory, filename);
        },
        on_loop());
    outcome.add_done_callback([self = shared_from_this(), this](Future<demo::UploadOutcome> done) {
      answer_upload(done.result());
    });
  }
};

// A sleep Future, then a flush Future, per line.
class StreamHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override {
    args_ = stream_args();
    set_header(http::field::content_type, "application/x-ndjson");
    line(0);
  }

 private:
  void line(int number) {
    if (number == args_.lines) return finish();
    parity::sleep(get_executor(), std::chrono::milliseconds(args_.ms))
        .add_done_callback([self = shared_from_this(), this, number](Future<void>) {
          if (connection_closed()) return;
          write(stream_line(number));
          Future<void> flushed = async_flush(on_loop());
          flushed.add_done_callback([self, this, number](Future<void> done) {
            if (!done.exception()) line(number + 1);
          });
        });
  }
  demo::StreamArgs args_{};
};

}  // namespace

void mount_future(http::Application& app, const demo::Context& context) {
  mount_endpoints<HelloHandler, FetchHandler, SleepHandler, ChainHandler, ParallelHandler,
                  ComputeHandler, CmdbSearchHandler, CmdbImportHandler, UploadHandler,
                  StreamHandler>(app, "future", context);
}

}  // namespace parity::styles
