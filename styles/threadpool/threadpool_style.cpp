// The threadpool style, as Tornado's run_on_executor: each handler's blocking body (the same
// blocking calls as the sync style) runs on a pool thread (--pool N, 5 by default as in the
// seed's ThreadPoolExecutor(5)), and what to answer is handed back to the loop, which writes it.
// The loop never blocks; at most N bodies wait at once, so N/latency bounds the throughput.

#include "common/demo/handler.hpp"
#include "styles/routes.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>

#include <functional>
#include <thread>

namespace parity::styles {
namespace {

namespace json = boost::json;
using boost::system::error_code;
using demo::UpstreamAnswer;

class Handler : public demo::Handler {
 public:
  explicit Handler(const demo::Context* context) : demo::Handler(*context, "threadpool") {}

 protected:
  // What a body hands back: the step that writes the answer, to run on the loop.
  using OnLoop = std::function<void()>;

  // Runs `body` on the pool; posts the OnLoop it returns to this handler's strand. Read the
  // request's arguments before: the body should touch nothing the loop might touch.
  void run_on_executor(std::function<OnLoop()> body) {
    asio::post(*context().pool, [self = shared_from_this(), body = std::move(body)]() mutable {
      auto on_loop = body();
      auto strand = self->get_executor();
      // The handler travels back whole: it is let go of on the loop, not here.
      asio::post(strand, [self = std::move(self), on_loop = std::move(on_loop)] { on_loop(); });
    });
  }
};

class HelloHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override {
    run_on_executor([this]() -> OnLoop { return [this] { finish("Hello, world"); }; });
  }
};

class FetchHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override {
    run_on_executor([this]() -> OnLoop {
      try {
        auto reply = upstream().delay_blocking({});
        return [this, reply] { answer_fetch(reply); };
      } catch (...) {
        return [this, error = std::current_exception()] { answer_upstream_error(error); };
      }
    });
  }
};

class SleepHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override {
    int ms = sleep_ms();
    run_on_executor([this, ms]() -> OnLoop {
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      return [this, ms] { answer({{"ms", ms}}); };
    });
  }
};

// The whole chain runs on one pool thread, one blocking call after the other.
class ChainHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override {
    int length = chain_length();
    run_on_executor([this, length]() -> OnLoop {
      json::array steps;
      try {
        std::optional<UpstreamAnswer> previous;
        for (int number = 1; number <= length; ++number) {
          previous = upstream().delay_blocking(
              demo::UpstreamApi::chain_params(number, previous ? &*previous : nullptr));
          steps.push_back(demo::UpstreamApi::echoed(*previous));
        }
      } catch (...) {
        return [this, error = std::current_exception()] { answer_upstream_error(error); };
      }
      return [this, length, steps] { answer({{"n", length}, {"steps", steps}}); };
    });
  }
};

// One pool job per call: they run at once up to the pool's size, the rest queue for a thread.
class ParallelHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override {
    int width = parallel_width();
    results_.resize(width);
    left_ = width;
    for (int i = 0; i < width; ++i) {
      run_on_executor([this, i, width]() -> OnLoop {
        try {
          auto reply = upstream().delay_blocking(demo::UpstreamApi::parallel_params(i));
          return [this, i, width, reply] {
            if (finished()) return;  // an earlier call failed and the error is answered
            results_[i] = demo::UpstreamApi::echoed(reply);
            if (--left_ == 0) answer({{"n", width}, {"results", results_}});
          };
        } catch (...) {
          return [this, error = std::current_exception()] {
            if (!finished()) answer_upstream_error(error);
          };
        }
      });
    }
  }

 private:
  json::array results_;  // touched on the loop only
  int left_ = 0;
};

// CPU work on a pool thread: the loop keeps serving meanwhile.
class ComputeHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override {
    auto n = compute_n();
    run_on_executor([this, n]() -> OnLoop {
      auto sum = demo::sum_of_squares(n);
      return [this, n, sum] { answer({{"n", n}, {"sum", sum}}); };
    });
  }
};

class CmdbSearchHandler final : public Handler {
 public:
  using Handler::Handler;
  void get() override {
    run_on_executor([this, pk = path_arg("pk"), query = cmdb_query()]() -> OnLoop {
      try {
        auto reply = cmdb().search_blocking(pk, query);
        return [this, reply] { answer_cmdb({}, reply); };
      } catch (...) {
        return [this, error = std::current_exception()] { answer_cmdb(error); };
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
    run_on_executor([this, pk = path_arg("pk"), payload = std::move(*payload)]() -> OnLoop {
      try {
        auto reply = cmdb().import_blocking(pk, payload);
        return [this, reply] { answer_cmdb({}, reply); };
      } catch (...) {
        return [this, error = std::current_exception()] { answer_cmdb(error); };
      }
    });
  }
};

class UploadHandler final : public Handler {
 public:
  using Handler::Handler;
  void post() override {
    run_on_executor([this, files = files()]() -> OnLoop {
      auto outcome = demo::save_uploads(context(), files);
      return [this, outcome] { answer_upload(outcome); };
    });
  }
  void delete_() override {
    run_on_executor(
        [this, directory = argument("directory"), filename = argument("filename")]() -> OnLoop {
          auto outcome = demo::delete_upload(context(), directory, filename);
          return [this, outcome] { answer_upload(outcome); };
        });
  }
};

// The wait between lines runs on the pool; each line is written and flushed on the loop.
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
    run_on_executor([this, number]() -> OnLoop {
      std::this_thread::sleep_for(std::chrono::milliseconds(args_.ms));
      return [this, number] {
        write(stream_line(number));
        async_flush(asio::bind_executor(get_executor(),
                                        [self = shared_from_this(), this, number](error_code ec) {
                                          if (!ec) line(number + 1);
                                        }));
      };
    });
  }
  demo::StreamArgs args_{};
};

}  // namespace

void mount_threadpool(http::Application& app, const demo::Context& context) {
  mount_endpoints<HelloHandler, FetchHandler, SleepHandler, ChainHandler, ParallelHandler,
                  ComputeHandler, CmdbSearchHandler, CmdbImportHandler, UploadHandler,
                  StreamHandler>(app, "threadpool", context);
}

}  // namespace parity::styles
