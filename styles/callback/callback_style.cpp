// The callback style, as Tornado's @asynchronous with self.finish(): every wait is an Asio
// operation given a completion handler (a lambda), and the response is finished from inside the
// last one. Nothing blocks the loop except /compute, which is CPU work.
//
// Each lambda is wrapped by on_strand(): bound to the handler's executor, so it runs on the
// handler's strand whatever thread completes the operation, and holding the handler alive
// (shared_from_this) until it has run.

#include "common/demo/handler.hpp"
#include "styles/routes.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/steady_timer.hpp>

namespace parity::styles {
namespace {

namespace json = boost::json;
using boost::system::error_code;
using demo::UpstreamAnswer;

class Handler : public demo::Handler {
 public:
  explicit Handler(const demo::Context* context) : demo::Handler(*context, "callback") {}

 protected:
  template <class Body>
  auto on_strand(Body body) {
    return asio::bind_executor(get_executor(), [self = shared_from_this(),
                                                body = std::move(body)](auto&&... args) mutable {
      body(std::forward<decltype(args)>(args)...);
    });
  }
  // The same, also cancelled (operation_aborted) if the client goes away.
  template <class Body>
  auto on_strand_until_close(Body body) {
    return asio::bind_cancellation_slot(close_slot(), on_strand(std::move(body)));
  }
  void on_connection_close() override {
    if (timer_) timer_->cancel();
  }
  asio::steady_timer& timer() {
    if (!timer_) timer_.emplace(get_executor());
    return *timer_;
  }

 private:
  std::optional<asio::steady_timer> timer_;
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
    upstream().async_delay({}, on_strand_until_close([this](error_code ec, UpstreamAnswer reply) {
                             if (ec) return answer_upstream_error(ec);
                             answer_fetch(reply);
                           }));
  }
};

class SleepHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override {
    int ms = sleep_ms();
    timer().expires_after(std::chrono::milliseconds(ms));
    timer().async_wait(on_strand([this, ms](error_code ec) {
      if (ec) return;  // cancelled: the client went away
      answer({{"ms", ms}});
    }));
  }
};

// Each step starts the next one from inside its callback: the nesting is the lesson.
class ChainHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override {
    length_ = chain_length();
    step(1, nullptr);
  }

 private:
  void step(int number, const UpstreamAnswer* previous) {
    upstream().async_delay(
        demo::UpstreamApi::chain_params(number, previous),
        on_strand_until_close([this, number](error_code ec, UpstreamAnswer reply) {
          if (ec) return answer_upstream_error(ec);
          steps_.push_back(demo::UpstreamApi::echoed(reply));
          if (number == length_) return answer({{"n", length_}, {"steps", steps_}});
          step(number + 1, &reply);
        }));
  }
  int length_ = 0;
  json::array steps_;
};

// All calls start at once; a counter tells the last callback to answer.
class ParallelHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override {
    int width = parallel_width();
    results_.resize(width);
    left_ = width;
    for (int i = 0; i < width; ++i) {
      upstream().async_delay(demo::UpstreamApi::parallel_params(i),
                             on_strand([this, i, width](error_code ec, UpstreamAnswer reply) {
                               if (finished())
                                 return;  // an earlier call failed and the error is answered
                               if (ec) return answer_upstream_error(ec);
                               results_[i] = demo::UpstreamApi::echoed(reply);
                               if (--left_ == 0) answer({{"n", width}, {"results", results_}});
                             }));
    }
  }

 private:
  json::array results_;
  int left_ = 0;
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
    cmdb().async_search(path_arg("pk"), cmdb_query(),
                        on_strand_until_close([this](error_code ec, UpstreamAnswer reply) {
                          answer_cmdb(ec, reply);
                        }));
  }
};

class CmdbImportHandler final : public Handler {
 public:
  using Handler::Handler;
  void post() override {
    auto payload = cmdb_payload();
    if (!payload) return;
    cmdb().async_import(path_arg("pk"), std::move(*payload),
                        on_strand_until_close([this](error_code ec, UpstreamAnswer reply) {
                          answer_cmdb(ec, reply);
                        }));
  }
};

// File I/O goes to the pool; the outcome comes back to a callback on the loop.
class UploadHandler final : public Handler {
 public:
  using Handler::Handler;
  void post() override {
    demo::async_on_pool(
        *context().pool,
        [&context = context(), files = files()] { return demo::save_uploads(context, files); },
        on_strand([this](error_code, demo::UploadOutcome outcome) { answer_upload(outcome); }));
  }
  void delete_() override {
    demo::async_on_pool(
        *context().pool,
        [&context = context(), directory = argument("directory"), filename = argument("filename")] {
          return demo::delete_upload(context, directory, filename);
        },
        on_strand([this](error_code, demo::UploadOutcome outcome) { answer_upload(outcome); }));
  }
};

// A timer per line, a flush per line: the loop is free between lines.
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
    timer().expires_after(std::chrono::milliseconds(args_.ms));
    timer().async_wait(on_strand([this, number](error_code ec) {
      if (ec) return;
      write(stream_line(number));
      async_flush(on_strand([this, number](error_code flush_ec) {
        if (!flush_ec) line(number + 1);
      }));
    }));
  }
  demo::StreamArgs args_{};
};

}  // namespace

void mount_callback(http::Application& app, const demo::Context& context) {
  mount_endpoints<HelloHandler, FetchHandler, SleepHandler, ChainHandler, ParallelHandler,
                  ComputeHandler, CmdbSearchHandler, CmdbImportHandler, UploadHandler,
                  StreamHandler>(app, "callback", context);
}

}  // namespace parity::styles
