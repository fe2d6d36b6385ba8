#pragma once
// demo::Endpoint: the contract of the demo endpoints, the same for every style: argument limits,
// the upstream calls, the pool, and the shape of every answer, in one base class that each
// style's handlers derive from. A style file then decides only *how* it waits; what it asks the
// upstream and what it answers come from here, so two style files differ by their style alone.
//
// Every JSON answer carries "style", "started_at" and "finished_at" (server-side monotonic ms),
// so a client can see which requests overlapped.

#include "app/demo/context.hpp"
#include "app/demo/uploads.hpp"
#include "app/demo/upstream_api.hpp"
#include "common/http/web/request_handler.hpp"
#include "common/loop/run_in_executor.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parity::demo {

// Server-side monotonic time in milliseconds.
double monotonic_ms();

// The work of /compute: sum of i*i for i < n, modulo 2^64. It really loops (the compiler may not
// fold it into a formula): it is the CPU-bound job.
std::uint64_t sum_of_squares(std::int64_t n);

// /cmdb/import's JSON body as accepted: nullopt for one that is not JSON (http::parse_json), or
// null, [] or {}.
std::optional<boost::json::value> parse_cmdb_payload(std::string_view body);
// /cmdb/search's query arguments as the CMDB query object: the last value of each name.
boost::json::object parse_cmdb_query(std::string_view query);

struct StreamArgs {
  int lines;  // ?n=  1..100, default 5
  int ms;     // ?ms= 0..10000, default 100
};

class Endpoint : public http::RequestHandler {
 public:
  // As Tornado's initialize(): called with what the route was added with (app/demo/routes.cpp).
  void initialize(const Context* context, std::string style);

 protected:
  const Context& context() const { return *context_; }
  const UpstreamApi& upstream() const { return upstream_; }
  const CmdbSdk& cmdb() const { return cmdb_; }

  // `work()` on the pool (--pool threads), as Tornado's @run_on_executor: completes with what it
  // returned or threw (void(std::exception_ptr, R)) through any token. The threadpool style
  // awaits the sync style's blocking calls with it; the async styles keep file I/O off the loop.
  template <class Work, class CompletionToken>
  auto run_on_executor(Work work, CompletionToken&& token) const {
    return run_in_executor(*context_->pool, std::move(work), std::forward<CompletionToken>(token));
  }

  // ---- Arguments, with their limits (HttpError 400 outside them) -----------------------------
  int sleep_ms() const;            // ?ms= 0..10000, default 100
  int chain_length() const;        // ?n=  1..10, default 3
  int parallel_width() const;      // ?n=  1..100, default 5
  std::int64_t compute_n() const;  // ?n=  0..10^9, default 10^7
  StreamArgs stream_args() const;
  // /cmdb/import's JSON body, or nullopt after answering 400 {"message": "Invalid input data"}
  // for an empty or invalid one (seed 000's check).
  std::optional<boost::json::value> cmdb_payload();
  // /cmdb/search's query arguments, as the CMDB query object.
  boost::json::object cmdb_query() const;
  // /upload's files: the parts of a multipart/form-data body, or the one file of seed 001's
  // url-encoded form (directory=, filename=, body=; HttpError 400 if one is missing).
  std::vector<http::UploadedFile> uploads() const;

  // ---- Answers --------------------------------------------------------------------------------
  // `fields` plus style, started_at and finished_at, as JSON.
  void answer(boost::json::object fields, unsigned status = 200);
  // /fetch: seed 001's "Time Cost" page, or JSON with ?format=json.
  void answer_fetch(const UpstreamAnswer& upstream);
  // An upstream call that failed, as {"message", "error"}: 504 if it timed out; 400 (413 for a
  // body too large) when the upstream refused what the client sent, with the upstream's message;
  // else 502, the upstream's own failure. A callback passes what it received (the code and the
  // answer); a Future or a coroutine passes the FetchError it caught.
  void answer_upstream_error(boost::system::error_code ec, const UpstreamAnswer& reply);
  void answer_upstream_error(const http::FetchError& error);
  // The CMDB call's answer: 200 {"message": "... request successful", "data"}.
  void answer_cmdb(const UpstreamAnswer& answer);
  // Its failure, as answer_upstream_error with {"message": "... request failed"} (never the
  // seed's 200 {}).
  void answer_cmdb_error(boost::system::error_code ec, const UpstreamAnswer& reply);
  void answer_cmdb_error(const http::FetchError& error);
  // /upload: {"code", "reason"} with the outcome's status.
  void answer_upload(const UploadOutcome& outcome);
  // One line of /stream: {"line": i, "at": ms} and a newline.
  static std::string stream_line(int line);

 private:
  void answer_failure(std::string message, boost::system::error_code ec,
                      const UpstreamAnswer& reply);
  const Context* context_ = nullptr;
  std::string style_;
  const double started_at_ = monotonic_ms();
  UpstreamApi upstream_;
  CmdbSdk cmdb_;
};

}  // namespace parity::demo
