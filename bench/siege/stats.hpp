#pragma once
// What a siege run measured, and siege's summary of it. Every figure is computed from the
// per-request records, with siege's definitions, so tests can check it against a hand-made log.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parity::siege {

// One request, as --log writes it. Times are seconds since the run started.
struct Record {
  double start = 0;
  double end = 0;
  int status = 0;           // 0: no response (refused, reset, timed out)
  std::uint64_t bytes = 0;  // body bytes received
  std::string method;
  std::string url;
  std::string error;  // why there was no response
  double due = -1;    // --rate: when the schedule had it start; -1: a closed loop's request

  double seconds() const { return end - start; }  // the service time, from the send
  // From when it was due (--rate), which counts its wait for a free connection: the latency a
  // user arriving at that rate sees, corrected for coordinated omission.
  double latency() const { return end - (due >= 0 ? due : start); }
  bool answered() const { return status != 0; }
};

// Latency percentiles from a log-linear histogram, as HdrHistogram's with three significant
// digits: 1 µs resolution below 1024 µs, then 1024 buckets per power of two (a percentile is
// within 0.1% of the sample's value), from 1 µs to an hour (longer counts as an hour). Bounded
// memory, O(1) per sample.
class Histogram {
 public:
  void add(double seconds);
  double percentile(double p) const;  // p in [0, 100]; the bucket's upper edge, in seconds
  std::uint64_t count() const { return count_; }

 private:
  static std::size_t bucket_of(std::uint64_t micros);
  static std::uint64_t upper_edge(std::size_t bucket);
  std::vector<std::uint64_t> buckets_;
  std::uint64_t count_ = 0;
};

struct Summary {
  std::uint64_t transactions = 0;  // responses, whatever their status (siege's "hits")
  double availability = 0;         // % of requests that got a response
  double elapsed = 0;              // seconds
  double data_mb = 0;              // body bytes / 2^20
  double response_time = 0;        // mean seconds per transaction
  double transaction_rate = 0;     // transactions / elapsed
  double throughput_mb = 0;        // data_mb / elapsed
  double concurrency = 0;          // sum of response times / elapsed
  std::uint64_t successful = 0;    // responses with a status below 400
  std::uint64_t failed = 0;        // requests without a response
  double longest = 0;
  double shortest = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0;  // service times
  // --rate only: the asked and achieved rates (requests sent per second), the service times'
  // p99.9, and the latencies from each request's due time.
  std::optional<double> asked_rate;
  double achieved_rate = 0;     // requests sent per second, the unfinished ones too
  std::uint64_t unfinished = 0;  // sent, still in flight at the end: not in the percentiles
  double p999 = 0;
  struct Latency {
    double p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;
  } corrected;

  // The percentile a user sees: with --rate from each request's due time, else the service's.
  double latency_p50() const { return asked_rate ? corrected.p50 : p50; }
  double latency_p99() const { return asked_rate ? corrected.p99 : p99; }
};

// unfinished: requests sent but cut off by the end of the run; with a rate, they count as sent.
Summary summarize(const std::vector<Record>& records, double elapsed_seconds,
                  std::optional<double> asked_rate = std::nullopt, std::uint64_t unfinished = 0);

// siege's summary block, its fields in its order, then the percentiles; with --rate, the rates
// and both sets of percentiles, labelled, and a line when the rate was not reached.
std::string format_summary(const Summary& summary);
// siege's JSON keys, plus p50, p90, p99 and max (seconds); with --rate, asked_rate,
// achieved_rate, response_time_p50/_p90/_p99/_p999/_max (corrected) and each with _uncorrected.
std::string format_json(const Summary& summary);
// With --rate, one line if less than 99% of the asked rate was sent, else empty.
std::string rate_shortfall(const Summary& summary);
// siege -v's line: `HTTP/1.1 200     0.09 secs:     208 bytes ==> GET  /path`.
std::string format_verbose_line(const Record& record);
// --log's CSV: a header line, then one line per record; with --rate (open_loop), a last column
// `due`, when the schedule had the request start (its latency is end - due).
std::string csv_header(bool open_loop = false);
std::string csv_line(const Record& record, bool open_loop = false);
std::string csv_field(std::string_view text);  // quoted when it holds a comma, quote or newline

}  // namespace parity::siege
