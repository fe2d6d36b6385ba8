#include "app/classroom/race.hpp"

#include "app/classroom/generated/page_html.hpp"
#include "app/demo/endpoint.hpp"
#include "app/service.hpp"
#include "common/http/client/client.hpp"
#include "common/http/web/html.hpp"
#include "common/http/wire/server_timing.hpp"
#include "common/loop/loop.hpp"

#include <fmt/format.h>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace parity::app {
namespace {

namespace json = boost::json;

constexpr std::string_view kEndpoints[] = {"sleep", "fetch", "compute", "chain", "parallel"};

bool is_style(const std::string& s) {
  return std::find(kStyles.begin(), kStyles.end(), s) != kStyles.end();
}

// Races running now: each holds up to 2 x 200 requests to this server, so a few at most.
std::atomic<int> races_running{0};
constexpr int kMaxRaces = 2;

// One side of a race, shared by its requests' callbacks: they may outlive the coroutine if the
// page goes away first.
struct Side {
  int index = 0;
  int left = 0;
  bool timed = false;  // an answer with the server's timestamps has come
  double first_start = 0;
  double last_finish = 0;
  double shortest = 0;
  std::unique_ptr<asio::steady_timer> all_answered;
};

// When each thread of the service's loop was busy, from samples of Loop::activity(): a thread
// that was running a piece of work when sampled, or ran one since the sample before, was busy
// for that whole period (so a piece between two samples is never missed, only widened). Busy
// periods that follow each other make one interval.
class BusyStrips {
 public:
  void sample(const std::vector<std::uint64_t>& pieces, double now_ms) {
    if (pieces.size() > last_.size()) {
      last_.resize(pieces.size());
      intervals_.resize(pieces.size());
    }
    for (std::size_t k = 0; k < pieces.size(); ++k) {
      bool busy = pieces[k] % 2 == 1 || pieces[k] != last_[k];
      if (sampled_ && busy) mark(intervals_[k], previous_ms_, now_ms);
      last_[k] = pieces[k];
    }
    previous_ms_ = now_ms;
    sampled_ = true;
  }
  // Per thread, its busy intervals in ms (the clock of the answers' started_at).
  const std::vector<std::vector<std::pair<double, double>>>& intervals() const {
    return intervals_;
  }

 private:
  static constexpr std::size_t kMaxIntervals = 2000;  // per thread; then the last one grows
  static void mark(std::vector<std::pair<double, double>>& list, double from, double to) {
    if (!list.empty() && (list.back().second >= from || list.size() >= kMaxIntervals))
      list.back().second = to;
    else
      list.emplace_back(from, to);
  }
  std::vector<std::uint64_t> last_;
  std::vector<std::vector<std::pair<double, double>>> intervals_;
  double previous_ms_ = 0;
  bool sampled_ = false;
};

// The name the client used for this server (the Host header without its port), so that links and
// redirects to the service's port reach it from wherever the browser is.
std::string host_name(const http::RequestHandler& handler) {
  std::string_view host = handler.request()[http::field::host];
  if (auto colon = host.rfind(':'); colon != host.npos && host.find(']', colon) == host.npos)
    host = host.substr(0, colon);
  return host.empty() ? "127.0.0.1" : std::string(host);
}

// Where the browser finds the service: "" (this server) or http://name:port.
std::string service_base(const http::RequestHandler& handler, const Classroom& classroom) {
  if (classroom.service_url.empty()) return {};
  auto url = boost::urls::parse_uri(classroom.service_url);
  return fmt::format("http://{}:{}", host_name(handler),
                     url ? std::string_view(url->port()) : std::string_view("80"));
}

// GET /: the page, with the styles and every endpoint filled in; or, when the page runs on a
// loop of its own, a redirect there.
class HomeHandler final : public http::RequestHandler {
 public:
  void initialize(const Classroom* classroom) { classroom_ = classroom; }

  void get() {
    if (auto port = classroom_->page_port.load(); port != 0)
      return redirect(fmt::format("http://{}:{}/{}{}", host_name(*this), port,
                                  query().empty() ? "" : "?", query()));
    const auto base = http::escape_html(service_base(*this, *classroom_));
    std::string styles, routes;
    const auto& service = classroom_->service ? *classroom_->service : application();
    for (auto style : kStyles) {
      styles += fmt::format("<option>{}</option>", http::escape_html(style));
      routes += fmt::format("<li><b>{}</b>:", http::escape_html(style));
      for (const auto& route : service.routes()) {
        if (!route.name.starts_with(std::string(style) + ".")) continue;
        bool gets = std::find(route.methods.begin(), route.methods.end(), http::verb::get) !=
                    route.methods.end();
        bool linkable = gets && route.pattern.find('(') == std::string::npos;
        auto pattern = http::escape_html(route.pattern);  // written as it is, groups and all
        routes += linkable ? fmt::format(" <a href=\"{0}{1}\">{1}</a>", base, pattern)
                           : fmt::format(" <code>{}</code>", pattern);
      }
      routes += "</li>\n";
    }
    std::string page = kPageHtml;
    for (auto [mark, text] : {std::pair{std::string_view("<!--STYLES-->"), styles},
                              std::pair{std::string_view("<!--ROUTES-->"), routes}}) {
      for (auto at = page.find(mark); at != std::string::npos; at = page.find(mark))
        page.replace(at, mark.size(), text);
    }
    set_header(http::field::content_type, "text/html; charset=utf-8");
    finish(page);
  }

 private:
  const Classroom* classroom_ = nullptr;
};

class RaceHandler final : public http::RequestHandler {
 public:
  void initialize(const Classroom* classroom) { classroom_ = classroom; }
  ~RaceHandler() override {
    if (counted_) --races_running;
  }

  // The page went away: its race's requests in flight are cancelled, and no side starts after.
  void on_connection_close() override {
    for (auto& signal : cancel_) signal.emit(asio::cancellation_type::terminal);
  }

  asio::awaitable<void> get() {
    race_ = parse();
    if (++races_running > kMaxRaces) {
      --races_running;
      throw http::HttpError(503, "two races are running already; run this one when they end");
    }
    counted_ = true;
    set_header(http::field::content_type, "application/x-ndjson");
    set_header(http::field::cache_control, "no-store");
    client_.emplace(get_executor(), http::ClientOptions{.max_clients = 0});
    for (int side = 0; side < 2 && !connection_closed(); ++side) co_await run_side(side);
  }

 private:
  Race parse() const {
    Race race;
    race.styles[0] = argument("a").value_or("sync");
    race.styles[1] = argument("b").value_or("coroutine");
    for (const auto& style : race.styles)
      if (!is_style(style))
        throw http::HttpError(400, "a and b are styles: sync callback future coroutine threadpool");
    race.endpoint = argument("endpoint").value_or("sleep");
    if (std::find(std::begin(kEndpoints), std::end(kEndpoints), race.endpoint) ==
        std::end(kEndpoints))
      throw http::HttpError(400, "endpoint is one of sleep fetch compute chain parallel");
    race.n = static_cast<int>(int_argument("n", 5, 1, 200));
    if (race.endpoint == "sleep") race.arg = int_argument("arg", 200, 0, 5000);
    if (race.endpoint == "compute") race.arg = int_argument("arg", 50'000'000, 1, 1'000'000'000);
    if (race.endpoint == "chain") race.arg = int_argument("arg", 3, 1, 10);
    if (race.endpoint == "parallel") race.arg = int_argument("arg", 5, 1, 100);
    for (const auto& cap : kRaceCaps)
      if (cap.endpoint == race.endpoint && race.n * race.arg > cap.total)
        throw http::HttpError(
            400, fmt::format("n x arg is at most {} {} for {}; this race asks {}", cap.total,
                             cap.what, cap.endpoint, race.n * race.arg));
    return race;
  }

  void write_line(const json::value& line) { write(json::serialize(line) + "\n"); }

  asio::awaitable<void> run_side(int index) {
    const auto& style = race_.styles[index];
    auto side = std::make_shared<Side>();
    side->index = index;
    side->left = race_.n;
    side->all_answered =
        std::make_unique<asio::steady_timer>(get_executor(), asio::steady_timer::time_point::max());
    write_line(json::object{{"event", "start"},
                            {"side", index},
                            {"style", style},
                            {"url", race_.path(index)},
                            {"base", service_base(*this, *classroom_)},
                            {"n", race_.n},
                            // Strips of busy times follow, one per loop thread (0: none).
                            {"loop_threads", classroom_->service_loop ? classroom_->loop_threads
                                                                      : 0u}});
    co_await async_flush(asio::use_awaitable);
    if (connection_closed()) co_return;  // the page left while the flush was under way
    const auto& service = classroom_->service_url;
    const auto url = (service.empty() ? local_url() : service) + race_.path(index);
    cancel_ = std::vector<asio::cancellation_signal>(race_.n);
    for (int i = 0; i < race_.n; ++i) {
      http::FetchRequest request{"GET", url};
      http::FetchOptions options;
      options.raise_error = false;
      options.timeout = std::chrono::seconds(90);
      client_->async_fetch(
          request, options,
          asio::bind_cancellation_slot(
              cancel_[i].slot(), async_callback([this, side, i](boost::system::error_code ec,
                                                                http::FetchResponse response) {
                answered(*side, i, ec, response);
              })));
    }
    BusyStrips busy;
    boost::system::error_code waited;  // cancelled when the last answer is in
    auto token = asio::redirect_error(asio::use_awaitable, waited);
    if (const Loop* loop = classroom_->service_loop) {
      // Until the last answer is in, the service's loop threads are sampled every millisecond.
      asio::steady_timer tick(get_executor());
      while (side->left > 0 && !connection_closed()) {
        busy.sample(loop->activity(), demo::monotonic_ms());
        tick.expires_after(std::chrono::milliseconds(1));
        co_await tick.async_wait(token);
      }
      busy.sample(loop->activity(), demo::monotonic_ms());
    } else {
      co_await side->all_answered->async_wait(token);
    }
    if (connection_closed()) co_return;
    for (std::size_t thread = 0; thread < busy.intervals().size(); ++thread) {
      for (auto [from, to] : busy.intervals()[thread])
        write_line(json::object{{"event", "busy"},
                                {"side", index},
                                {"thread", thread + 1},
                                {"from", from},
                                {"to", to}});
    }
    write_line(summary(*side));
    co_await async_flush(asio::use_awaitable);
  }

  void answered(Side& side, int i, boost::system::error_code ec,
                const http::FetchResponse& response) {
    json::object line{
        {"event", "answer"}, {"side", side.index}, {"i", i}, {"status", ec ? 0 : response.status}};
    boost::system::error_code parse_ec;
    auto body = json::parse(response.body, parse_ec);
    if (!ec && !parse_ec && body.is_object() && body.as_object().contains("started_at")) {
      double started = body.at("started_at").to_number<double>();
      double finished = body.at("finished_at").to_number<double>();
      line["started_at"] = started;
      line["finished_at"] = finished;
      side.first_start = side.timed ? std::min(side.first_start, started) : started;
      side.timed = true;
      side.last_finish = std::max(side.last_finish, finished);
      double took = finished - started;
      side.shortest = side.shortest == 0 ? took : std::min(side.shortest, took);
      // How much of it the request's own code held a loop thread: the bar's darker part.
      auto timing = http::parse_server_timing(std::string_view(response.headers["Server-Timing"]));
      if (timing) line["loop_ms"] = std::chrono::duration<double, std::milli>(timing->loop).count();
    }
    line["body"] = response.body.substr(0, 2048);
    if (!connection_closed()) {
      write_line(line);
      async_flush([](boost::system::error_code) {});
    }
    if (--side.left == 0) side.all_answered->cancel();
  }

  json::object summary(const Side& side) const {
    const auto& style = race_.styles[side.index];
    const auto& context = *classroom_->context;
    auto limit = at_a_time(style, race_.endpoint, race_.n, context.pool_size,
                           context.client->options().max_clients, classroom_->loop_threads);
    double wall = side.last_finish - side.first_start;
    double rate = wall > 0 ? race_.n / (wall / 1000) : 0;
    double expected = std::ceil(static_cast<double>(race_.n) / limit.count) * side.shortest;
    return {{"event", "summary"},
            {"side", side.index},
            {"style", style},
            {"wall_ms", std::round(wall)},
            {"rate", std::round(rate * 100) / 100},
            {"at_a_time", limit.count},
            {"expected_ms", std::round(expected)},
            {"sentence", race_sentence(style, limit, race_.n, side.shortest, wall)}};
  }

  const Classroom* classroom_ = nullptr;
  Race race_;
  bool counted_ = false;
  std::optional<http::Client> client_;
  std::vector<asio::cancellation_signal> cancel_;  // one per request of the side running
};

}  // namespace

std::string Race::path(int side) const {
  const auto& style = styles[side];
  if (endpoint == "fetch") return "/" + style + "/fetch?format=json";
  if (endpoint == "sleep") return fmt::format("/{}/sleep?ms={}", style, arg);
  return fmt::format("/{}/{}?n={}", style, endpoint, arg);
}

AtATime at_a_time(const std::string& style, const std::string& endpoint, int n, unsigned pool,
                  std::size_t max_clients, unsigned loop_threads) {
  const int threads = std::min<int>(n, static_cast<int>(std::max(1u, loop_threads)));
  const auto loop = loop_threads > 1 ? fmt::format("the loop's {} threads", loop_threads)
                                     : std::string("the loop's one thread");
  if (style == "sync") return {threads, loop + ", held by each request"};
  if (style == "threadpool")
    return {std::min<int>(n, static_cast<int>(pool)),
            fmt::format("the pool's {} threads, one held by each request", pool)};
  if (endpoint == "compute") return {threads, "the CPU work holds " + loop};
  if (endpoint == "sleep") return {n, "nothing blocks: every request waits at once"};
  if (max_clients == 0) return {n, "nothing blocks, and the client has no cap"};
  return {std::min<int>(n, static_cast<int>(max_clients)),
          fmt::format("the client's cap of {} upstream fetches", max_clients)};
}

std::string race_sentence(const std::string& style, const AtATime& limit, int n, double shortest_ms,
                          double wall_ms) {
  int waves = (n + limit.count - 1) / limit.count;
  if (wall_ms < 10)  // a rate read off a few microseconds means nothing
    return fmt::format(
        "{} served {} at a time ({}). {} requests took {:.1f} ms in all: too quick to time, give "
        "a larger argument.",
        style, limit.count, limit.why, n, wall_ms);
  shortest_ms = std::round(shortest_ms);  // "about 200 ms", and 5 x 200 = 1000
  return fmt::format(
      "{} served {} at a time ({}). {} requests of about {:.0f} ms should take about {} x {:.0f} = "
      "{:.0f} ms; they took {:.0f} ms, {:.1f} requests per second.",
      style, limit.count, limit.why, n, shortest_ms, waves, shortest_ms, waves * shortest_ms,
      wall_ms, wall_ms > 0 ? n / (wall_ms / 1000) : 0.0);
}

void mount_classroom(http::Application& app, const Classroom& classroom) {
  app.add<HomeHandler>("/", "index", &classroom).add<RaceHandler>("/race", "race", &classroom);
}

}  // namespace parity::app
