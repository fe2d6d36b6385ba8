#include "bench/compare/report.hpp"

#include "bench/compare/compare.hpp"
#include "common/http/web/html.hpp"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace parity::compare {
namespace {

namespace json = boost::json;

constexpr std::size_t kTimelineRequests = 200;  // drawn per row; results.json keeps them all

json::value or_null(double value, bool known) {
  return known ? json::value(value) : json::value(nullptr);
}

// The rows of one endpoint as horizontal bars on one scale, each with its limit as a red tick.
std::string bar_chart(const std::vector<const Row*>& rows) {
  const int label_width = 170, bar_area = 560, row_height = 26, top = 8;
  double scale = 1;
  for (const Row* row : rows) {
    scale = std::max({scale, row->summary.transaction_rate, row->limit.rate});
  }
  int height = top + static_cast<int>(rows.size()) * row_height + 8;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n",
      label_width + bar_area + 120, height);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& row = *rows[i];
    int y = top + static_cast<int>(i) * row_height;
    double width = bar_area * row.summary.transaction_rate / scale;
    svg +=
        fmt::format("<text x=\"0\" y=\"{}\">{}</text>\n", y + 15, http::escape_html(row.label()));
    svg += fmt::format(
        "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"18\" fill=\"{}\"/>\n",
        label_width, y + 2, width, row.style == "sync" ? "#d9822b" : "#2b7bd9");
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\">{:.1f}/s</text>\n", label_width + width + 4,
                       y + 15, row.summary.transaction_rate);
    if (row.limit.rate > 0) {
      double x = label_width + bar_area * row.limit.rate / scale;
      svg += fmt::format(
          "<line class=\"limit\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" "
          "stroke=\"#c0392b\" stroke-width=\"2\"><title>limit {3:.0f}/s: {4}</title></line>\n",
          x, y, y + row_height - 2, row.limit.rate, http::escape_html(row.limit.bound_by));
    }
  }
  return svg + "</svg>\n";
}

// One bar per request, start to end: the first requests to start.
std::string timeline(const Row& row) {
  std::vector<const siege::Record*> drawn;
  for (const auto& r : row.requests) drawn.push_back(&r);
  std::sort(drawn.begin(), drawn.end(),
            [](const auto* a, const auto* b) { return a->start < b->start; });
  if (drawn.size() > kTimelineRequests) drawn.resize(kTimelineRequests);
  // Drawn in the order they finished: sync's answers come one latency apart, a staircase.
  std::stable_sort(drawn.begin(), drawn.end(),
                   [](const auto* a, const auto* b) { return a->end < b->end; });
  double span = row.summary.elapsed;
  for (const auto* r : drawn) span = std::max(span, r->end);
  span = std::max(span, 1e-3);
  const int width = 700, left = 4;
  const int bar = drawn.size() > 60 ? 2 : 6;
  int height = static_cast<int>(drawn.size()) * (bar + 1) + 22;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n",
      width + 2 * left, height);
  for (std::size_t i = 0; i < drawn.size(); ++i) {
    const auto& r = *drawn[i];
    double x = left + width * r.start / span;
    double w = std::max(1.0, width * (r.end - r.start) / span);
    svg += fmt::format(
        "<rect class=\"request\" x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" "
        "fill=\"{}\"/>\n",
        x, static_cast<int>(i) * (bar + 1), w, bar, r.answered() ? "#2b7bd9" : "#c0392b");
  }
  svg += fmt::format(
      "<text x=\"{}\" y=\"{}\">0 s</text><text x=\"{}\" y=\"{}\" "
      "text-anchor=\"end\">{:.2f} s</text>\n",
      left, height - 4, left + width, height - 4, span);
  return svg + "</svg>\n";
}

}  // namespace

std::string results_json(const std::vector<Row>& rows, const Settings& settings) {
  const auto& p = settings.profile;
  json::object out;
  out["profile"] = {{"name", p.name},
                    {"concurrency", p.concurrency},
                    {"duration_s", std::chrono::duration<double>(p.duration).count()},
                    {"latency_ms", p.latency.count()},
                    {"max_clients", p.max_clients},
                    {"keep_alive", p.keep_alive}};
  out["pool"] = settings.pool;
  out["rate"] = settings.rate ? json::value(*settings.rate) : json::value(nullptr);
  out["tool"] = settings.tool;
  out["description"] = describe(settings);
  json::array list;
  for (const auto& row : rows) {
    const auto& s = row.summary;
    bool ok = row.error.empty();
    json::array requests;
    for (const auto& r : row.requests) {
      if (settings.rate)
        requests.push_back({r.start, r.end, r.status, r.bytes, r.due});
      else
        requests.push_back({r.start, r.end, r.status, r.bytes});
    }
    json::array columns{"start_s", "end_s", "status", "bytes"};
    if (settings.rate) columns.push_back("due_s");
    list.push_back(
        json::object{{"implementation", row.implementation},
                     {"style", row.style},
                     {"endpoint", row.endpoint},
                     {"url", row.url},
                     {"error", row.error.empty() ? json::value(nullptr) : json::value(row.error)},
                     {"skipped", row.skipped},
                     {"transactions", s.transactions},
                     {"successful", s.successful},
                     {"failed", s.failed},
                     {"elapsed_s", s.elapsed},
                     {"transaction_rate", or_null(s.transaction_rate, ok)},
                     {"response_time_s", or_null(s.response_time, ok)},
                     {"p99_s", or_null(s.latency_p99(), ok && row.has_p99)},
                     {"p99_uncorrected_s", or_null(s.p99, ok && settings.rate)},
                     {"limit", or_null(row.limit.rate, row.limit.rate > 0)},
                     {"bound_by", row.limit.bound_by},
                     {"percent_of_limit", or_null(row.percent_of_limit, row.limit.rate > 0)},
                     {"ratio_to_sync", or_null(row.ratio_to_sync, row.ratio_to_sync > 0)},
                     {"requests_columns", std::move(columns)},
                     {"requests", std::move(requests)}});
  }
  out["rows"] = std::move(list);
  return json::serialize(out) + "\n";
}

std::string results_csv(const std::vector<Row>& rows) {
  std::string out =
      "implementation,style,endpoint,transactions,transaction_rate,response_time_s,p99_s,failed,"
      "limit,percent_of_limit,ratio_to_sync,bound_by,url,error\n";
  auto optional = [](double value, bool known) {
    return known ? fmt::format("{:.4f}", value) : std::string();
  };
  for (const auto& row : rows) {
    const auto& s = row.summary;
    out += fmt::format(
        "{},{},{},{},{:.4f},{:.6f},{},{},{},{},{},{},{},{}\n", row.implementation, row.style,
        row.endpoint, s.transactions, s.transaction_rate, s.response_time,
        optional(s.latency_p99(), row.has_p99), s.failed, optional(row.limit.rate, row.limit.rate > 0),
        optional(row.percent_of_limit, row.limit.rate > 0),
        optional(row.ratio_to_sync, row.ratio_to_sync > 0), siege::csv_field(row.limit.bound_by),
        siege::csv_field(row.url), siege::csv_field(row.error));
  }
  return out;
}

std::string report_html(const std::vector<Row>& rows, const Settings& settings) {
  std::string html =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Parity compare</title>\n"
      "<style>body{font-family:sans-serif;max-width:980px;margin:2em auto;color:#222}"
      "pre{background:#f4f4f4;padding:1em;overflow-x:auto}h3{margin-bottom:.2em}</style>\n"
      "</head><body>\n<h1>Parity: every style, side by side</h1>\n";
  html += fmt::format("<p>{}</p>\n", http::escape_html(describe(settings)));
  html += fmt::format("<pre>{}</pre>\n", http::escape_html(format_table(rows, settings)));
  std::vector<std::string> endpoints;
  for (const auto& row : rows) {
    if (std::find(endpoints.begin(), endpoints.end(), row.endpoint) == endpoints.end())
      endpoints.push_back(row.endpoint);
  }
  for (const auto& endpoint : endpoints) {
    std::vector<const Row*> group;
    for (const auto& row : rows) {
      if (row.endpoint == endpoint && row.error.empty()) group.push_back(&row);
    }
    html += fmt::format(
        "<h2>/{}: transactions per second</h2>\n<p>Red ticks: each row's limit "
        "(Little's law: requests in flight / latency; for hello, the floor).</p>\n",
        http::escape_html(endpoint));
    html += bar_chart(group);
    html += fmt::format("<h2>/{}: requests over time</h2>\n", http::escape_html(endpoint));
    bool any = false;
    for (const Row* row : group) {
      if (row->requests.empty()) continue;
      any = true;
      html += fmt::format(
          "<h3>{} /{}</h3>\n<p>The first {} of {} requests to start, one bar each from "
          "start to end, in the order they finished.</p>\n",
          http::escape_html(row->label()), http::escape_html(endpoint),
          std::min(row->requests.size(), kTimelineRequests), row->requests.size());
      html += timeline(*row);
    }
    if (!any) html += "<p>Timelines need --tool parity, which records every request.</p>\n";
  }
  return html + "</body></html>\n";
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::filesystem::path write_report(const std::filesystem::path& dir, const std::vector<Row>& rows,
                                   const Settings& settings) {
  std::filesystem::create_directories(dir);
  write_file(dir / "results.json", results_json(rows, settings));
  write_file(dir / "results.csv", results_csv(rows));
  write_file(dir / "report.html", report_html(rows, settings));
  return dir / "report.html";
}

}  // namespace parity::compare
