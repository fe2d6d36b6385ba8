#include "bench/sweep/report.hpp"

#include "bench/compare/report.hpp"
#include "common/http/web/html.hpp"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cmath>
#include <map>

namespace parity::sweep {
namespace {

namespace json = boost::json;

// A server this busy (its CPU time over the run's time; 1.0 is one core) is bound by CPU.
constexpr double kCpuBound = 0.9;

// Okabe-Ito, one colour per style; Tornado's curves have their style's colour, dotted, and each
// other peer (one style of its own) a colour of its own, dotted.
std::string colour(const std::string& style) {
  static const std::map<std::string, std::string> colours{
      {"sync", "#E69F00"},      {"callback", "#56B4E9"},   {"future", "#009E73"},
      {"coroutine", "#0072B2"}, {"threadpool", "#D55E00"}, {"go", "#CC79A7"},
      {"rust", "#000000"},      {"node", "#999999"},       {"aiohttp", "#F0E442"}};
  auto found = colours.find(style);
  return found == colours.end() ? "#000000" : found->second;
}

// Log-log axes over the given ranges, in whole powers of ten.
struct Axes {
  double x_low, x_high, y_low, y_high;
  static constexpr int left = 70, top = 16, width = 600, height = 340;
  Axes(double x_min, double x_max, double y_min, double y_max)
      : x_low(std::floor(std::log10(x_min))),
        x_high(std::ceil(std::log10(x_max))),
        y_low(std::floor(std::log10(y_min))),
        y_high(std::ceil(std::log10(y_max))) {
    if (x_high <= x_low) x_high = x_low + 1;
    if (y_high <= y_low) y_high = y_low + 1;
  }
  double x(double value) const {
    return left + width * (std::log10(std::max(value, 1e-9)) - x_low) / (x_high - x_low);
  }
  double y(double value) const {
    return top + height * (1 - (std::log10(std::max(value, 1e-9)) - y_low) / (y_high - y_low));
  }
};

// The frame: an svg element, a grid line per power of ten, the axes' titles.
std::string open_chart(const Axes& a, std::string_view x_title, std::string_view y_title) {
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n",
      Axes::left + Axes::width + 190, Axes::top + Axes::height + 40);
  for (double e = a.x_low; e <= a.x_high; ++e) {
    double x = a.x(std::pow(10, e));
    svg += fmt::format(
        "<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#ddd\"/>"
        "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4:g}</text>\n",
        x, Axes::top, Axes::top + Axes::height, Axes::top + Axes::height + 16, std::pow(10, e));
  }
  for (double e = a.y_low; e <= a.y_high; ++e) {
    double y = a.y(std::pow(10, e));
    svg += fmt::format(
        "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#ddd\"/>"
        "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5:g}</text>\n",
        Axes::left, Axes::left + Axes::width, y, Axes::left - 6, y + 4, std::pow(10, e));
  }
  svg += fmt::format(
      "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>"
      "<text x=\"14\" y=\"{}\" transform=\"rotate(-90 14 {})\" text-anchor=\"middle\">"
      "{}</text>\n",
      Axes::left + Axes::width / 2, Axes::top + Axes::height + 34, x_title,
      Axes::top + Axes::height / 2, Axes::top + Axes::height / 2, y_title);
  return svg;
}

// The points' curves, one per label in the order first seen, each sorted along `key`.
std::vector<std::vector<const Point*>> curves(const std::vector<const Point*>& points,
                                              double (*key)(const Point&)) {
  std::vector<std::vector<const Point*>> out;
  for (const Point* p : points) {
    auto same = [p](const auto& curve) { return curve.front()->label() == p->label(); };
    auto found = std::find_if(out.begin(), out.end(), same);
    if (found == out.end())
      out.push_back({p});
    else
      found->push_back(p);
  }
  for (auto& curve : out)
    std::sort(curve.begin(), curve.end(), [key](auto* l, auto* r) { return key(*l) < key(*r); });
  return out;
}

// A curve's line in the legend, the `index`th.
std::string legend(std::size_t index, const std::string& ink, bool peer, const std::string& label) {
  int y = Axes::top + 6 + 18 * static_cast<int>(index);
  return fmt::format(
      "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\" stroke=\"{3}\" stroke-width=\"2.5\"{4}/>"
      "<text x=\"{5}\" y=\"{6}\">{7}</text>\n",
      Axes::left + Axes::width + 16, Axes::left + Axes::width + 44, y, ink,
      peer ? " stroke-dasharray=\"2,3\"" : "", Axes::left + Axes::width + 50, y + 4,
      http::escape_html(label));
}

double users_of(const Point& p) { return p.users; }
double rate_of(const Point& p) { return p.rate; }
// The p99 a user saw, in ms, never 0 (a log axis has no 0).
double p99_ms(const Point& p) { return std::max(1000 * p.summary.latency_p99(), 1e-3); }

// trans/sec against users.
std::string line_chart(const std::vector<const Point*>& points) {
  double users_low = 1e9, users_high = 1, rate_low = 1e9, rate_high = 1;
  for (const Point* p : points) {
    users_low = std::min<double>(users_low, p->users);
    users_high = std::max<double>(users_high, p->users);
    for (double rate : {p->summary.transaction_rate, p->limit.rate}) {
      if (rate <= 0) continue;
      rate_low = std::min(rate_low, rate);
      rate_high = std::max(rate_high, rate);
    }
  }
  Axes a(users_low, users_high, rate_low, rate_high);
  std::string svg = open_chart(a, "users (concurrent)", "trans/sec");
  // Per curve: the limit dashed, the measured line solid (a peer's dotted), a ring where the
  // server's CPU was busy.
  auto all = curves(points, users_of);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& curve = all[i];
    const std::string ink = colour(curve.front()->style);
    const bool peer = curve.front()->implementation != "parity";
    std::string measured, limit;
    for (const Point* p : curve) {
      measured += fmt::format("{:.1f},{:.1f} ", a.x(p->users), a.y(p->summary.transaction_rate));
      if (p->limit.rate > 0)
        limit += fmt::format("{:.1f},{:.1f} ", a.x(p->users), a.y(p->limit.rate));
    }
    if (!peer && !limit.empty())
      svg += fmt::format(
          "<polyline class=\"limit\" points=\"{}\" fill=\"none\" stroke=\"{}\" "
          "stroke-width=\"1.5\" stroke-dasharray=\"6,4\" opacity=\"0.6\"/>\n",
          limit, ink);
    svg += fmt::format(
        "<polyline class=\"curve\" points=\"{}\" fill=\"none\" stroke=\"{}\" "
        "stroke-width=\"{}\"{}/>\n",
        measured, ink, peer ? 2 : 2.5, peer ? " stroke-dasharray=\"2,3\"" : "");
    for (const Point* p : curve) {
      bool busy = p->cpu_share >= kCpuBound;
      svg += fmt::format(
          "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" fill=\"{}\" stroke=\"{}\" "
          "stroke-width=\"2\"><title>{}: {} users, {:.1f}/s ({:.0f}% of {:.0f}/s), server CPU "
          "{:.0f}%</title></circle>\n",
          a.x(p->users), a.y(p->summary.transaction_rate), busy ? 7 : 3.5, busy ? "none" : ink, ink,
          http::escape_html(p->label()), p->users, p->summary.transaction_rate,
          p->percent_of_limit, p->limit.rate, 100 * p->cpu_share);
    }
    svg += legend(i, ink, peer, curve.front()->label());
  }
  return svg + "</svg>\n";
}

// --rates: the p99 a user sees (from each request's due time, in ms) against the asked rate; a
// dashed vertical line at each style's Little's limit, where its knee should be.
std::string latency_chart(const std::vector<const Point*>& points) {
  double rate_low = 1e9, rate_high = 1, ms_low = 1e9, ms_high = 1;
  for (const Point* p : points) {
    for (double rate : {p->rate, p->limit.rate}) {
      if (rate <= 0) continue;
      rate_low = std::min(rate_low, rate);
      rate_high = std::max(rate_high, rate);
    }
    ms_low = std::min(ms_low, p99_ms(*p));
    ms_high = std::max(ms_high, p99_ms(*p));
  }
  Axes a(rate_low, rate_high, ms_low, ms_high);
  std::string svg = open_chart(a, "requests/sec asked", "p99 ms from when due");
  auto all = curves(points, rate_of);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& curve = all[i];
    const std::string ink = colour(curve.front()->style);
    const bool peer = curve.front()->implementation != "parity";
    double limit = curve.front()->limit.rate;
    if (!peer && limit > 0)
      svg += fmt::format(
          "<line class=\"limit\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" "
          "stroke=\"{3}\" stroke-width=\"1.5\" stroke-dasharray=\"6,4\" opacity=\"0.6\">"
          "<title>{4}: limit {5:.0f}/s, {6}</title></line>\n",
          a.x(limit), Axes::top, Axes::top + Axes::height, ink,
          http::escape_html(curve.front()->label()), limit,
          http::escape_html(curve.front()->limit.bound_by));
    std::string measured;
    for (const Point* p : curve)
      measured += fmt::format("{:.1f},{:.1f} ", a.x(p->rate), a.y(p99_ms(*p)));
    svg += fmt::format(
        "<polyline class=\"curve\" points=\"{}\" fill=\"none\" stroke=\"{}\" "
        "stroke-width=\"{}\"{}/>\n",
        measured, ink, peer ? 2 : 2.5, peer ? " stroke-dasharray=\"2,3\"" : "");
    for (const Point* p : curve) {
      // A ring where less than 99% of the asked rate was sent: past the knee.
      bool short_of_rate = !siege::rate_shortfall(p->summary).empty();
      svg += fmt::format(
          "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" fill=\"{}\" stroke=\"{}\" "
          "stroke-width=\"2\"><title>{}: {:g}/s asked, {:.1f}/s sent, p99 {:.1f} ms "
          "(service time {:.1f} ms)</title></circle>\n",
          a.x(p->rate), a.y(p99_ms(*p)),
          short_of_rate ? 7 : 3.5, short_of_rate ? "none" : ink, ink,
          http::escape_html(p->label()), p->rate, p->summary.achieved_rate,
          1000 * p->summary.latency_p99(), 1000 * p->summary.p99);
    }
    svg += legend(i, ink, peer, curve.front()->label());
  }
  return svg + "</svg>\n";
}

std::string memory_chart(const std::vector<Memory>& memory) {
  std::vector<const Memory*> rows;
  double scale = 1;
  for (const auto& m : memory) {
    if (!m.measured()) continue;
    rows.push_back(&m);
    scale = std::max(scale, m.bytes_per_request / 1024);
  }
  const int label_width = 170, bar_area = 480, row_height = 26;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n",
      label_width + bar_area + 100, static_cast<int>(rows.size()) * row_height + 10);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Memory& m = *rows[i];
    int y = static_cast<int>(i) * row_height;
    double kib = m.bytes_per_request / 1024;
    double width = bar_area * kib / scale;
    svg += fmt::format(
        "<text x=\"0\" y=\"{}\">{}</text><rect class=\"memory\" x=\"{}\" y=\"{}\" "
        "width=\"{:.1f}\" height=\"18\" fill=\"{}\"/><text x=\"{:.1f}\" y=\"{}\">{:.2f} "
        "KiB</text>\n",
        y + 15, http::escape_html(m.label()), label_width, y + 2, width, colour(m.style),
        label_width + width + 4, y + 15, kib);
  }
  return svg + "</svg>\n";
}

}  // namespace

std::string sweep_json(const Result& result, const Settings& s) {
  json::object out;
  out["description"] = describe(s);
  json::array users(s.users.begin(), s.users.end());
  json::array rates(s.rates.begin(), s.rates.end());
  out["settings"] = {{"users", std::move(users)},
                     {"rates", std::move(rates)},
                     {"duration_s", std::chrono::duration<double>(s.duration).count()},
                     {"latency_ms", s.latency.count()},
                     {"max_clients", s.max_clients},
                     {"pool", s.pool},
                     {"tool", s.tool},
                     {"memory_requests", s.memory_requests},
                     {"open_file_limit", result.open_file_limit}};
  json::array points;
  for (const auto& p : result.points) {
    const auto& m = p.summary;
    bool ok = p.measured();
    auto known = [ok](double value) { return ok ? json::value(value) : json::value(nullptr); };
    points.push_back(json::object{
        {"implementation", p.implementation},
        {"style", p.style},
        {"endpoint", p.endpoint},
        {"users", p.users},
        {"rate", p.rate > 0 ? json::value(p.rate) : json::value(nullptr)},
        {"achieved_rate", ok && p.rate > 0 ? json::value(p.summary.achieved_rate)
                                           : json::value(nullptr)},
        {"unreachable", p.unreachable.empty() ? json::value(nullptr) : json::value(p.unreachable)},
        {"error", p.error.empty() ? json::value(nullptr) : json::value(p.error)},
        {"transactions", m.transactions},
        {"failed", m.failed},
        {"transaction_rate", known(m.transaction_rate)},
        {"p50_s", ok && p.has_p99 ? json::value(m.latency_p50()) : json::value(nullptr)},
        {"p99_s", ok && p.has_p99 ? json::value(m.latency_p99()) : json::value(nullptr)},
        {"p99_uncorrected_s", ok && p.rate > 0 ? json::value(m.p99) : json::value(nullptr)},
        {"limit", p.limit.rate > 0 ? json::value(p.limit.rate) : json::value(nullptr)},
        {"bound_by", p.limit.bound_by},
        {"percent_of_limit", p.limit.rate > 0 ? known(p.percent_of_limit) : json::value(nullptr)},
        {"server_cpu_s", known(p.cpu_seconds)},
        {"server_cpu_share", known(p.cpu_share)},
        {"server_cpu_us_per_request", known(p.cpu_us_per_request)},
        {"server_peak_rss_bytes", ok ? json::value(p.peak_rss_bytes) : json::value(nullptr)}});
  }
  out["points"] = std::move(points);
  json::array memory;
  for (const auto& m : result.memory) {
    bool ok = m.measured();
    memory.push_back(json::object{
        {"implementation", m.implementation},
        {"style", m.style},
        {"requests_waiting", m.requests},
        {"unreachable", m.unreachable.empty() ? json::value(nullptr) : json::value(m.unreachable)},
        {"error", m.error.empty() ? json::value(nullptr) : json::value(m.error)},
        {"idle_rss_bytes", ok ? json::value(m.idle_rss_bytes) : json::value(nullptr)},
        {"loaded_rss_bytes", ok ? json::value(m.loaded_rss_bytes) : json::value(nullptr)},
        {"bytes_per_waiting_request",
         ok ? json::value(m.bytes_per_request) : json::value(nullptr)}});
  }
  out["memory"] = std::move(memory);
  return json::serialize(out) + "\n";
}

std::string sweep_csv(const Result& result) {
  std::string out =
      "implementation,style,endpoint,users,rate,transaction_rate,p50_s,p99_s,limit,"
      "percent_of_limit,"
      "server_cpu_us_per_request,server_cpu_share,server_peak_rss_bytes,not_measured\n";
  for (const auto& p : result.points) {
    bool ok = p.measured();
    auto number = [ok](double value, const char* format) {
      return ok ? fmt::format(fmt::runtime(format), value) : std::string();
    };
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", p.implementation, p.style,
                       p.endpoint, p.users, p.rate > 0 ? fmt::format("{:g}", p.rate) : "",
                       number(p.summary.transaction_rate, "{:.3f}"),
                       number(p.summary.latency_p50(), "{:.6f}"),
                       number(p.summary.latency_p99(), "{:.6f}"),
                       p.limit.rate > 0 ? fmt::format("{:.1f}", p.limit.rate) : "",
                       p.limit.rate > 0 ? number(p.percent_of_limit, "{:.1f}") : "",
                       number(p.cpu_us_per_request, "{:.1f}"), number(p.cpu_share, "{:.3f}"),
                       ok ? std::to_string(p.peak_rss_bytes) : "",
                       siege::csv_field(p.error.empty() ? p.unreachable : p.error));
  }
  return out;
}

std::string report_html(const Result& result, const Settings& s) {
  std::string html =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Parity sweep</title>\n"
      "<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}"
      "pre{background:#f4f4f4;padding:1em;overflow-x:auto;font-size:12px}</style>\n"
      "</head><body>\n";
  html += s.rates.empty() ? "<h1>Parity: how each style grows with its users</h1>\n"
                          : "<h1>Parity: each style's latency as the rate grows</h1>\n";
  html += fmt::format("<p>{}</p>\n", http::escape_html(describe(s)));
  for (const auto& endpoint : s.endpoints) {
    std::vector<const Point*> points;
    for (const auto& p : result.points)
      if (p.endpoint == endpoint && p.measured()) points.push_back(&p);
    if (points.empty()) continue;
    if (!s.rates.empty()) {
      html += fmt::format(
          "<h2>/{}: p99 latency against the arrival rate</h2>\n<p>Both axes are logarithmic. "
          "Each point is an open loop at that many requests per second on {} connections; its "
          "p99 counts from when each request was due, so time spent queued for a busy server "
          "counts (corrected for coordinated omission). A style's curve is flat, then turns up "
          "at its capacity: the dashed line is its limit by Little's law. A ring marks a point "
          "that sent less than 99% of the asked rate. Dotted: the peers (bench/peers/).</p>\n",
          http::escape_html(endpoint), s.users.front());
      html += latency_chart(points);
      continue;
    }
    html += fmt::format(
        "<h2>/{}: transactions per second against users</h2>\n<p>Both axes are logarithmic. "
        "Dashed: each style's limit by Little's law (requests in flight / latency): flat for "
        "sync (one in flight) and for the pool (its threads), rising with the users for the "
        "async styles. A ring marks a point where the server's CPU was at least {:.0f}% busy: "
        "there the CPU, not the waiting, bends the curve. Dotted: the peers (bench/peers/).</p>\n",
        http::escape_html(endpoint), 100 * kCpuBound);
    html += line_chart(points);
  }
  bool any_memory = std::any_of(result.memory.begin(), result.memory.end(),
                                [](const Memory& m) { return m.measured(); });
  if (any_memory) {
    html +=
        "<h2>Memory per waiting request</h2>\n<p>The server's resident memory with that many "
        "requests asleep on /{style}/sleep at once, less the same server idle, divided by "
        "their number.</p>\n";
    html += memory_chart(result.memory);
  }
  html += fmt::format("<h2>Every figure</h2>\n<pre>{}</pre>\n",
                      http::escape_html(format_table(result, s)));
  return html + "</body></html>\n";
}

std::filesystem::path write_report(const std::filesystem::path& dir, const Result& result,
                                   const Settings& settings) {
  std::filesystem::create_directories(dir);
  compare::write_file(dir / "sweep.json", sweep_json(result, settings));
  compare::write_file(dir / "sweep.csv", sweep_csv(result));
  compare::write_file(dir / "report.html", report_html(result, settings));
  return dir / "report.html";
}

}  // namespace parity::sweep
