#include "bench/siege/stats.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>

namespace parity::siege {
namespace {

// Exact microseconds below kLinear, then kLinear buckets per power of two: a bucket is at most
// 1/1024 of its values wide, three significant digits, as HdrHistogram's 3-digit setting.
constexpr std::uint64_t kLinear = 1024;
constexpr int kLinearBits = 10;                    // log2(kLinear)
constexpr std::uint64_t kLongest = 3'600'000'000;  // an hour, in microseconds

// siege -v shows the path and query, not the whole URL.
std::string_view path_of(std::string_view url) {
  auto authority = url.find("://");
  auto path = url.find('/', authority == std::string_view::npos ? 0 : authority + 3);
  return path == std::string_view::npos ? std::string_view("/") : url.substr(path);
}

}  // namespace

std::size_t Histogram::bucket_of(std::uint64_t micros) {
  if (micros < kLinear) return micros;
  int octave = std::bit_width(micros) - 1 - kLinearBits;  // 0 for [1024, 2048)
  auto within = (micros >> octave) - kLinear;             // 0..1023
  return kLinear + static_cast<std::size_t>(octave) * kLinear + within;
}

std::uint64_t Histogram::upper_edge(std::size_t bucket) {
  if (bucket < kLinear) return bucket;
  auto octave = (bucket - kLinear) / kLinear;
  auto within = (bucket - kLinear) % kLinear;
  std::uint64_t lower = (kLinear + within) << octave;
  return lower + (std::uint64_t{1} << octave) - 1;
}

void Histogram::add(double seconds) {
  // Beyond an hour is an hour: the buckets stay bounded (23,552 of them at most).
  auto micros = static_cast<std::uint64_t>(
      std::llround(std::clamp(seconds, 0.0, static_cast<double>(kLongest) / 1e6) * 1e6));
  auto bucket = bucket_of(micros);
  if (bucket >= buckets_.size()) buckets_.resize(bucket + 1);
  ++buckets_[bucket];
  ++count_;
}

double Histogram::percentile(double p) const {
  if (count_ == 0) return 0;
  auto rank = static_cast<std::uint64_t>(std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * count_));
  rank = std::max<std::uint64_t>(rank, 1);
  std::uint64_t seen = 0;
  for (std::size_t bucket = 0; bucket < buckets_.size(); ++bucket) {
    seen += buckets_[bucket];
    if (seen >= rank) return static_cast<double>(upper_edge(bucket)) / 1e6;
  }
  return static_cast<double>(upper_edge(buckets_.size() - 1)) / 1e6;
}

Summary summarize(const std::vector<Record>& records, double elapsed,
                  std::optional<double> asked_rate, std::uint64_t unfinished) {
  Summary s;
  s.elapsed = elapsed;
  s.asked_rate = asked_rate;
  double total_time = 0;
  std::uint64_t bytes = 0;
  Histogram histogram;
  Histogram corrected;
  for (const auto& r : records) {
    if (!r.answered()) {
      ++s.failed;
      continue;
    }
    double seconds = r.seconds();
    if (s.transactions == 0) s.longest = s.shortest = seconds;
    ++s.transactions;
    if (r.status < 400) ++s.successful;
    total_time += seconds;
    bytes += r.bytes;
    s.longest = std::max(s.longest, seconds);
    s.shortest = std::min(s.shortest, seconds);
    histogram.add(seconds);
    corrected.add(r.latency());
    s.corrected.max = std::max(s.corrected.max, r.latency());
  }
  auto attempts = s.transactions + s.failed;
  s.availability = attempts ? 100.0 * static_cast<double>(s.transactions) / attempts : 0;
  s.data_mb = static_cast<double>(bytes) / (1024.0 * 1024.0);
  s.response_time = s.transactions ? total_time / static_cast<double>(s.transactions) : 0;
  if (elapsed > 0) {
    s.transaction_rate = static_cast<double>(s.transactions) / elapsed;
    s.throughput_mb = s.data_mb / elapsed;
    s.concurrency = total_time / elapsed;
  }
  // A bucket's upper edge can pass the largest sample in it; no percentile exceeds the max.
  s.max = s.longest;
  s.p50 = std::min(histogram.percentile(50), s.max);
  s.p90 = std::min(histogram.percentile(90), s.max);
  s.p99 = std::min(histogram.percentile(99), s.max);
  if (asked_rate) {
    s.p999 = std::min(histogram.percentile(99.9), s.max);
    const double top = s.corrected.max;
    s.corrected.p50 = std::min(corrected.percentile(50), top);
    s.corrected.p90 = std::min(corrected.percentile(90), top);
    s.corrected.p99 = std::min(corrected.percentile(99), top);
    s.corrected.p999 = std::min(corrected.percentile(99.9), top);
    s.unfinished = unfinished;
    if (elapsed > 0) s.achieved_rate = static_cast<double>(attempts + unfinished) / elapsed;
  }
  return s;
}

std::string format_summary(const Summary& s) {
  std::string out;
  auto line = [&out](std::string_view name, std::string value, std::string_view unit) {
    out += fmt::format("{:<25}{:>12}{}{}\n", name, value, unit.empty() ? "" : " ", unit);
  };
  auto seconds = [](double value) { return fmt::format("{:.4f}", value); };
  line("Transactions:", fmt::format("{}", s.transactions), "hits");
  line("Availability:", fmt::format("{:.2f}", s.availability), "%");
  line("Elapsed time:", fmt::format("{:.2f}", s.elapsed), "secs");
  line("Data transferred:", fmt::format("{:.2f}", s.data_mb), "MB");
  line("Response time:", fmt::format("{:.2f}", s.response_time), "secs");
  line("Transaction rate:", fmt::format("{:.2f}", s.transaction_rate), "trans/sec");
  line("Throughput:", fmt::format("{:.2f}", s.throughput_mb), "MB/sec");
  line("Concurrency:", fmt::format("{:.2f}", s.concurrency), "");
  line("Successful transactions:", fmt::format("{}", s.successful), "");
  line("Failed transactions:", fmt::format("{}", s.failed), "");
  line("Longest transaction:", fmt::format("{:.2f}", s.longest), "");
  line("Shortest transaction:", fmt::format("{:.2f}", s.shortest), "");
  if (!s.asked_rate) {
    // Finer than siege's two decimals: async answers differ in milliseconds.
    line("Response time p50:", seconds(s.p50), "secs");
    line("Response time p90:", seconds(s.p90), "secs");
    line("Response time p99:", seconds(s.p99), "secs");
    line("Response time max:", seconds(s.max), "secs");
    return out;
  }
  // Open loop (--rate): what a user arriving at the rate saw, then what a closed loop reports.
  line("Asked rate:", fmt::format("{:.2f}", *s.asked_rate), "req/sec");
  line("Achieved rate:", fmt::format("{:.2f}", s.achieved_rate), "req/sec");
  line("Unfinished at the end:", fmt::format("{}", s.unfinished), "requests");
  auto percentiles = [&](std::string_view title, const Summary::Latency& l) {
    out += title;
    line("  p50:", seconds(l.p50), "secs");
    line("  p90:", seconds(l.p90), "secs");
    line("  p99:", seconds(l.p99), "secs");
    line("  p99.9:", seconds(l.p999), "secs");
    line("  max:", seconds(l.max), "secs");
  };
  percentiles("Latency from when each request was due (corrected for coordinated omission):\n",
              s.corrected);
  percentiles("Service time from each request's send (uncorrected, what a closed loop reports):\n",
              {s.p50, s.p90, s.p99, s.p999, s.max});
  if (auto shortfall = rate_shortfall(s); !shortfall.empty()) out += shortfall + "\n";
  return out;
}

namespace {

// --rate's keys, after siege's.
std::string open_loop_json(const Summary& s) {
  return fmt::format(
      ",\n"
      "  \"asked_rate\": {:.2f},\n"
      "  \"achieved_rate\": {:.2f},\n"
      "  \"unfinished_requests\": {},\n"
      "  \"response_time_p50\": {:.6f},\n"
      "  \"response_time_p90\": {:.6f},\n"
      "  \"response_time_p99\": {:.6f},\n"
      "  \"response_time_p999\": {:.6f},\n"
      "  \"response_time_max\": {:.6f},\n"
      "  \"response_time_p50_uncorrected\": {:.6f},\n"
      "  \"response_time_p90_uncorrected\": {:.6f},\n"
      "  \"response_time_p99_uncorrected\": {:.6f},\n"
      "  \"response_time_p999_uncorrected\": {:.6f},\n"
      "  \"response_time_max_uncorrected\": {:.6f}",
      *s.asked_rate, s.achieved_rate, s.unfinished, s.corrected.p50, s.corrected.p90, s.corrected.p99,
      s.corrected.p999, s.corrected.max, s.p50, s.p90, s.p99, s.p999, s.max);
}

}  // namespace

std::string format_json(const Summary& s) {
  return fmt::format(
      "{{\n"
      "  \"transactions\": {},\n"
      "  \"availability\": {:.2f},\n"
      "  \"elapsed_time\": {:.2f},\n"
      "  \"data_transferred\": {:.2f},\n"
      "  \"response_time\": {:.2f},\n"
      "  \"transaction_rate\": {:.2f},\n"
      "  \"throughput\": {:.2f},\n"
      "  \"concurrency\": {:.2f},\n"
      "  \"successful_transactions\": {},\n"
      "  \"failed_transactions\": {},\n"
      "  \"longest_transaction\": {:.2f},\n"
      "  \"shortest_transaction\": {:.2f},\n"
      "  \"p50\": {:.4f},\n"
      "  \"p90\": {:.4f},\n"
      "  \"p99\": {:.4f},\n"
      "  \"max\": {:.4f}{}\n"
      "}}\n",
      s.transactions, s.availability, s.elapsed, s.data_mb, s.response_time, s.transaction_rate,
      s.throughput_mb, s.concurrency, s.successful, s.failed, s.longest, s.shortest, s.p50, s.p90,
      s.p99, s.max, s.asked_rate ? open_loop_json(s) : std::string());
}

std::string rate_shortfall(const Summary& s) {
  if (!s.asked_rate || s.achieved_rate >= 0.99 * *s.asked_rate) return {};
  return fmt::format(
      "Sent {:.1f}% of the asked {:.2f} req/sec: every connection was busy (the server at its "
      "capacity, or too few -c) or the generator could not keep up; the latencies above count "
      "the wait.",
      100 * s.achieved_rate / *s.asked_rate, *s.asked_rate);
}

std::string format_verbose_line(const Record& r) {
  if (!r.answered()) return fmt::format("[error] {} ==> {:<4} {}\n", r.error, r.method, r.url);
  return fmt::format("HTTP/1.1 {} {:8.2f} secs: {:7} bytes ==> {:<4} {}\n", r.status, r.seconds(),
                     r.bytes, r.method, path_of(r.url));
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string csv_header(bool open_loop) {
  return open_loop ? "start,end,status,bytes,method,url,error,due\n"
                   : "start,end,status,bytes,method,url,error\n";
}

std::string csv_line(const Record& r, bool open_loop) {
  auto line = fmt::format("{:.6f},{:.6f},{},{},{},{},{}", r.start, r.end, r.status, r.bytes,
                          r.method, csv_field(r.url), csv_field(r.error));
  return open_loop ? fmt::format("{},{:.6f}\n", line, r.due) : line + "\n";
}

}  // namespace parity::siege
