#pragma once
// Small handlers the HTTP tests route to, each showing one part of the lifecycle.

#include "common/http/web/application.hpp"
#include "tests/support/event.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>

#include <memory>

namespace parity::test {

class HelloHandler : public http::RequestHandler {
 public:
  void get() { finish("Hello, world"); }
};

// Answers after ?ms= milliseconds, from a timer: the request finishes after get() returned.
class SleepHandler : public http::RequestHandler {
 public:
  static constexpr bool asynchronous = true;
  explicit SleepHandler(std::shared_ptr<Event> started = nullptr) : started_(std::move(started)) {}
  void get() {
    auto ms = int_argument("ms", 10, 0, 10'000);
    timer_.emplace(get_executor(), std::chrono::milliseconds(ms));
    if (started_) started_->set();
    timer_->async_wait(async_callback([this, ms](boost::system::error_code ec) {
      if (!ec) finish("slept " + std::to_string(ms));
    }));
  }

 private:
  std::shared_ptr<Event> started_;
  std::optional<asio::steady_timer> timer_;
};

// Answers with what it was sent: body, content type, arguments and files.
class EchoHandler : public http::RequestHandler {
 public:
  void post() { echo(); }
  void put() { echo(); }

 private:
  void echo() {
    boost::json::object args;
    for (const auto& name : {"a", "b", "c", "space"}) {
      if (auto value = argument(name)) args[name] = *value;
    }
    boost::json::array files_json;
    for (const auto& file : files()) {
      files_json.push_back(
          {{"field", file.field}, {"filename", file.filename}, {"body", file.body}});
    }
    finish(boost::json::value{{"body", request().body()},
                              {"content_type", std::string(request()[http::field::content_type])},
                              {"args", args},
                              {"files", files_json}});
  }
};

// Never answers; tells when it got the request, and when the client goes away. It waits on a
// timer that only the client's going away cancels, which keeps it alive until then.
class HangHandler : public http::RequestHandler {
 public:
  static constexpr bool asynchronous = true;
  HangHandler(std::shared_ptr<Event> started = nullptr, std::shared_ptr<Event> closed = nullptr)
      : started_(std::move(started)), closed_(std::move(closed)) {}
  void get() { hang(); }
  void post() { hang(); }
  void on_connection_close() override {
    if (closed_) closed_->set();
  }

 private:
  void hang() {
    timer_.emplace(get_executor(), asio::steady_timer::time_point::max());
    timer_->async_wait(cancel_on_close(async_callback([](boost::system::error_code) {})));
    if (started_) started_->set();
  }
  std::shared_ptr<Event> started_;
  std::shared_ptr<Event> closed_;
  std::optional<asio::steady_timer> timer_;
};

// prepare() finishes early when ?deny=1; the method never runs then.
class GuardedHandler : public http::RequestHandler {
 public:
  void prepare() override {
    if (query_argument("deny") == "1") send_error(403, "denied in prepare");
  }
  void get() { finish("allowed"); }
};

class ThrowingHandler : public http::RequestHandler {
 public:
  void get() {
    if (query_argument("kind") == "http") throw http::HttpError(418, "short and stout");
    throw std::runtime_error("unexpected");
  }
};

class PlainErrorHandler : public http::RequestHandler {
 public:
  void get() { throw http::HttpError(409); }
  void write_error(unsigned status, std::string_view) override {
    set_header(http::field::content_type, "text/plain");
    write("custom error " + std::to_string(status));
  }
};

class ItemHandler : public http::RequestHandler {
 public:
  void get() { finish(path_arg("id") + "/" + path_args().at(1)); }
};

// Three chunks, one flush each, then finish.
class StreamHandler : public http::RequestHandler {
 public:
  static constexpr bool asynchronous = true;
  void get() { next(0); }

 private:
  void next(int i) {
    if (i == 3) return finish();
    write("line " + std::to_string(i) + "\n");
    async_flush(async_callback([this, i](boost::system::error_code ec) {
      if (!ec) next(i + 1);
    }));
  }
};

// Two flushes with a pause between them longer than a short write timeout.
class PausingStreamHandler : public http::RequestHandler {
 public:
  static constexpr bool asynchronous = true;
  void get() {
    write("before\n");
    async_flush(async_callback([this](boost::system::error_code ec) {
      if (ec) return;
      timer_.emplace(get_executor(), std::chrono::milliseconds(250));
      timer_->async_wait(async_callback([this](boost::system::error_code wait_ec) {
        if (!wait_ec) finish("after\n");
      }));
    }));
  }

 private:
  std::optional<asio::steady_timer> timer_;
};

}  // namespace parity::test
