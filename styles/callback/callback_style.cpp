// The callback style, as Tornado's @asynchronous with self.finish(): every wait is an Asio
// operation given a completion handler (a lambda), and the response is finished from inside the
// last one. Nothing blocks the loop except /compute, which is CPU work.
//
// Each lambda is wrapped by async_callback(): it runs on the handler's strand whatever thread
// completes the operation, and keeps the handler alive until it has run. cancel_on_close()
// cancels the operation (operation_aborted) if the client goes away first. Errors arrive as the
// callback's first argument, an error_code, as the client's own async_fetch gives them; an
// upstream call passes its answer too, which for an error status holds what the upstream said.

#include "app/demo/endpoint.hpp"
#include "app/demo/routes.hpp"
#include "styles/mount.hpp"

#include <boost/asio/steady_timer.hpp>

namespace parity::styles {
namespace {

namespace json = boost::json;
using boost::system::error_code;
using demo::handler;  // the route table all styles share (app/demo/routes.hpp)
using demo::mount_endpoints;
using demo::UpstreamAnswer;

// Tornado 5's @asynchronous: returning from get() does not finish the request; a callback does.
class Endpoint : public demo::Endpoint {
 public:
  static constexpr bool asynchronous = true;

 protected:
  asio::steady_timer& timer() {
    if (!timer_) timer_.emplace(get_executor());
    return *timer_;
  }

 private:
  std::optional<asio::steady_timer> timer_;
};

class HelloHandler final : public Endpoint {
 public:
  void get() { finish("Hello, world"); }
};

class FetchHandler final : public Endpoint {
 public:
  void get() {
    auto on_reply = [this](error_code ec, UpstreamAnswer reply) {
      if (ec) return answer_upstream_error(ec, reply);
      answer_fetch(reply);
    };
    upstream().async_delay({}, cancel_on_close(async_callback(on_reply)));
  }
};

class SleepHandler final : public Endpoint {
 public:
  void get() {
    int ms = sleep_ms();
    auto on_time = [this, ms](error_code ec) {
      if (ec) return;  // cancelled: the client went away
      answer({{"ms", ms}});
    };
    timer().expires_after(std::chrono::milliseconds(ms));
    timer().async_wait(cancel_on_close(async_callback(on_time)));
  }
};

// Each step starts the next one from inside its callback: the nesting is the lesson.
class ChainHandler final : public Endpoint {
 public:
  void get() {
    length_ = chain_length();
    step(1, nullptr);
  }

 private:
  void step(int number, const UpstreamAnswer* previous) {
    auto on_reply = [this, number](error_code ec, UpstreamAnswer reply) {
      if (ec) return answer_upstream_error(ec, reply);
      steps_.push_back(demo::UpstreamApi::echoed(reply));
      if (number == length_) return answer({{"n", length_}, {"steps", steps_}});
      step(number + 1, &reply);
    };
    auto params = demo::UpstreamApi::chain_params(number, previous);
    upstream().async_delay(params, cancel_on_close(async_callback(on_reply)));
  }
  int length_ = 0;
  json::array steps_;
};

// All calls start at once; a counter tells the last callback to answer. (One close slot serves
// one operation, so these calls are not cancelled when the client goes away.)
class ParallelHandler final : public Endpoint {
 public:
  void get() {
    int width = parallel_width();
    results_.resize(width);
    left_ = width;
    for (int i = 0; i < width; ++i) {
      auto on_reply = [this, i, width](error_code ec, UpstreamAnswer reply) {
        if (finished()) return;  // an earlier call failed and the error is answered
        if (ec) return answer_upstream_error(ec, reply);
        results_[i] = demo::UpstreamApi::echoed(reply);
        if (--left_ == 0) answer({{"n", width}, {"results", results_}});
      };
      auto params = demo::UpstreamApi::parallel_params(i);
      upstream().async_delay(params, async_callback(on_reply));
    }
  }

 private:
  json::array results_;
  int left_ = 0;
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
    auto on_reply = [this](error_code ec, UpstreamAnswer reply) {
      if (ec) return answer_cmdb_error(ec, reply);
      answer_cmdb(reply);
    };
    cmdb().async_search(pk, query, cancel_on_close(async_callback(on_reply)));
  }
};

class CmdbImportHandler final : public Endpoint {
 public:
  void post() {
    auto payload = cmdb_payload();
    if (!payload) return;
    std::string pk = path_arg("pk");
    auto on_reply = [this](error_code ec, UpstreamAnswer reply) {
      if (ec) return answer_cmdb_error(ec, reply);
      answer_cmdb(reply);
    };
    cmdb().async_import(pk, *payload, cancel_on_close(async_callback(on_reply)));
  }
};

// File I/O goes to the pool; the outcome comes back to a callback on the loop.
class UploadHandler final : public Endpoint {
 public:
  void post() {
    auto save = [this, files = uploads()] { return demo::save_uploads(context(), files); };
    auto on_saved = [this](std::exception_ptr error, demo::UploadOutcome outcome) {
      if (error) std::rethrow_exception(error);
      answer_upload(outcome);
    };
    run_on_executor(save, async_callback(on_saved));
  }
  void delete_() {
    auto remove = [this, directory = argument("directory"), filename = argument("filename")] {
      return demo::delete_upload(context(), directory, filename);
    };
    auto on_removed = [this](std::exception_ptr error, demo::UploadOutcome outcome) {
      if (error) std::rethrow_exception(error);
      answer_upload(outcome);
    };
    run_on_executor(remove, async_callback(on_removed));
  }
};

// A timer per line, a flush per line: the loop is free between lines.
class StreamHandler final : public Endpoint {
 public:
  void get() {
    args_ = stream_args();
    set_header(http::field::content_type, "application/x-ndjson");
    line(0);
  }

 private:
  void line(int number) {
    if (number == args_.lines) return finish();
    auto on_flushed = [this, number](error_code ec) {
      if (!ec) line(number + 1);
    };
    auto on_time = [this, number, on_flushed](error_code ec) {
      if (ec) return;  // cancelled: the client went away
      write(stream_line(number));
      async_flush(async_callback(on_flushed));
    };
    timer().expires_after(std::chrono::milliseconds(args_.ms));
    timer().async_wait(cancel_on_close(async_callback(on_time)));
  }
  demo::StreamArgs args_{};
};

}  // namespace

void mount_callback(http::Application& app, const demo::Context& context) {
  mount_endpoints(app, "callback", context,
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
