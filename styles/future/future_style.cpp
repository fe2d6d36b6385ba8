// The Future style, as Tornado's Futures with add_done_callback (and asyncio's): every operation
// returns a parity::Future right away (the use_future token turns the core's operations into
// Futures), and the answer is written by a done callback. Callbacks run on the handler's strand,
// never inline; async_callback() keeps the handler alive until they have run. Errors are the
// Future's exception, rethrown by result(). multi() waits for many at once.

#include "app/demo/endpoint.hpp"
#include "app/demo/routes.hpp"
#include "common/future/multi.hpp"
#include "common/future/sleep.hpp"
#include "common/future/use_future.hpp"
#include "styles/mount.hpp"

namespace parity::styles {
namespace {

namespace json = boost::json;
using demo::handler;  // the route table all styles share (app/demo/routes.hpp)
using demo::mount_endpoints;
using demo::UpstreamAnswer;

// Tornado 5's @asynchronous: returning from get() does not finish the request; a callback does.
class Endpoint : public demo::Endpoint {
 public:
  static constexpr bool asynchronous = true;

 protected:
  // Futures that complete, and call back, on this handler's strand.
  use_future_t on_loop() { return use_future(get_executor()); }
};

class HelloHandler final : public Endpoint {
 public:
  void get() { finish("Hello, world"); }
};

class FetchHandler final : public Endpoint {
 public:
  void get() {
    auto on_reply = [this](Future<UpstreamAnswer> reply) {
      try {
        answer_fetch(reply.result());
      } catch (const http::FetchError& e) {
        answer_upstream_error(e);
      }
    };
    Future<UpstreamAnswer> reply = upstream().async_delay({}, cancel_on_close(on_loop()));
    reply.add_done_callback(async_callback(on_reply));
  }
};

class SleepHandler final : public Endpoint {
 public:
  void get() {
    int ms = sleep_ms();
    auto on_time = [this, ms](Future<void>) { answer({{"ms", ms}}); };
    Future<void> slept = parity::sleep(get_executor(), std::chrono::milliseconds(ms));
    slept.add_done_callback(async_callback(on_time));
  }
};

// Each step's callback starts the next step's Future.
class ChainHandler final : public Endpoint {
 public:
  void get() {
    length_ = chain_length();
    step(1, nullptr);
  }

 private:
  void step(int number, const UpstreamAnswer* previous) {
    auto on_reply = [this, number](Future<UpstreamAnswer> reply) {
      UpstreamAnswer result;
      try {
        result = reply.result();
      } catch (const http::FetchError& e) {
        return answer_upstream_error(e);
      }
      steps_.push_back(demo::UpstreamApi::echoed(result));
      if (number == length_) return answer({{"n", length_}, {"steps", steps_}});
      step(number + 1, &result);
    };
    auto params = demo::UpstreamApi::chain_params(number, previous);
    Future<UpstreamAnswer> reply = upstream().async_delay(params, cancel_on_close(on_loop()));
    reply.add_done_callback(async_callback(on_reply));
  }
  int length_ = 0;
  json::array steps_;
};

// All Futures start at once; multi() gathers them, in order.
class ParallelHandler final : public Endpoint {
 public:
  void get() {
    int width = parallel_width();
    auto on_replies = [this, width](Future<std::vector<UpstreamAnswer>> all) {
      json::array results;
      try {
        for (const auto& reply : all.result()) results.push_back(demo::UpstreamApi::echoed(reply));
      } catch (const http::FetchError& e) {
        return answer_upstream_error(e);
      }
      answer({{"n", width}, {"results", results}});
    };
    std::vector<Future<UpstreamAnswer>> replies;
    for (int i = 0; i < width; ++i) {
      auto params = demo::UpstreamApi::parallel_params(i);
      replies.push_back(upstream().async_delay(params, on_loop()));
    }
    multi(replies, get_executor()).add_done_callback(async_callback(on_replies));
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
    auto on_reply = [this](Future<UpstreamAnswer> reply) {
      try {
        answer_cmdb(reply.result());
      } catch (const http::FetchError& e) {
        answer_cmdb_error(e);
      }
    };
    Future<UpstreamAnswer> reply = cmdb().async_search(pk, query, cancel_on_close(on_loop()));
    reply.add_done_callback(async_callback(on_reply));
  }
};

class CmdbImportHandler final : public Endpoint {
 public:
  void post() {
    auto payload = cmdb_payload();
    if (!payload) return;
    std::string pk = path_arg("pk");
    auto on_reply = [this](Future<UpstreamAnswer> reply) {
      try {
        answer_cmdb(reply.result());
      } catch (const http::FetchError& e) {
        answer_cmdb_error(e);
      }
    };
    Future<UpstreamAnswer> reply = cmdb().async_import(pk, *payload, cancel_on_close(on_loop()));
    reply.add_done_callback(async_callback(on_reply));
  }
};

// File I/O goes to the pool; its outcome is a Future.
class UploadHandler final : public Endpoint {
 public:
  void post() {
    auto save = [this, files = uploads()] { return demo::save_uploads(context(), files); };
    auto on_saved = [this](Future<demo::UploadOutcome> outcome) {
      answer_upload(outcome.result());
    };
    Future<demo::UploadOutcome> outcome = run_on_executor(save, on_loop());
    outcome.add_done_callback(async_callback(on_saved));
  }
  void delete_() {
    auto remove = [this, directory = argument("directory"), filename = argument("filename")] {
      return demo::delete_upload(context(), directory, filename);
    };
    auto on_removed = [this](Future<demo::UploadOutcome> outcome) {
      answer_upload(outcome.result());
    };
    Future<demo::UploadOutcome> outcome = run_on_executor(remove, on_loop());
    outcome.add_done_callback(async_callback(on_removed));
  }
};

// A sleep Future, then a flush Future, per line.
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
    auto on_flushed = [this, number](Future<void> flushed) {
      if (!flushed.exception()) line(number + 1);
    };
    auto on_time = [this, number, on_flushed](Future<void>) {
      if (connection_closed()) return;
      write(stream_line(number));
      Future<void> flushed = async_flush(on_loop());
      flushed.add_done_callback(async_callback(on_flushed));
    };
    Future<void> slept = parity::sleep(get_executor(), std::chrono::milliseconds(args_.ms));
    slept.add_done_callback(async_callback(on_time));
  }
  demo::StreamArgs args_{};
};

}  // namespace

void mount_future(http::Application& app, const demo::Context& context) {
  mount_endpoints(app, "future", context,
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
