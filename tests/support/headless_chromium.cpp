#include "tests/support/headless_chromium.hpp"

#include "app/demo/uploads.hpp"
#include "common/http/client/client.hpp"
#include "tools/process/process.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include <fstream>
#include <optional>
#include <thread>

namespace parity::test {
namespace {

namespace json = boost::json;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using namespace std::chrono_literals;

unsigned short free_port() {
  boost::asio::io_context io;
  tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return probe.local_endpoint().port();
}

std::string base64_decode(const std::string& in) {
  static const std::string digits =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned value = 0;
  int bits = -8;
  for (char c : in) {
    auto digit = digits.find(c);
    if (digit == std::string::npos) continue;  // '=' and line breaks
    value = (value << 6) | static_cast<unsigned>(digit);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((value >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

}  // namespace

struct HeadlessChromium::Impl {
  std::filesystem::path profile = demo::make_temporary_directory("parity-chromium");
  unsigned short port = free_port();
  std::optional<compare::ChildProcess> browser;
  boost::asio::io_context io;
  std::optional<websocket::stream<tcp::socket>> page;
  int next_id = 1;

  // Sends one DevTools command to the page and returns its result.
  json::value call(const std::string& method, json::object params) {
    int id = next_id++;
    page->write(boost::asio::buffer(json::serialize(
        json::object{{"id", id}, {"method", method}, {"params", std::move(params)}})));
    for (;;) {
      boost::beast::flat_buffer buffer;
      page->read(buffer);
      auto message = json::parse(boost::beast::buffers_to_string(buffer.data())).as_object();
      if (message.contains("id") && message.at("id").as_int64() == id) {
        if (message.contains("error"))
          throw std::runtime_error(method + ": " + json::serialize(message.at("error")));
        return message.at("result");
      }
    }
  }
};

HeadlessChromium::HeadlessChromium() : impl_(std::make_unique<Impl>()) {
  std::string binary = compare::program_exists("chromium") ? "chromium" : "";
  if (binary.empty())
    throw std::runtime_error(
        "Chromium is not installed: scripts/install-deps.sh installs Debian's chromium");
  impl_->browser.emplace(std::vector<std::string>{
      binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
      "--no-first-run", "--remote-debugging-port=" + std::to_string(impl_->port),
      "--user-data-dir=" + impl_->profile.string(), "about:blank"});
  // Chromium starts in a second or two, but a CI machine busy with two builds took more than
  // 20 s once: the bound is for a stalled machine, not a measure.
  auto deadline = std::chrono::steady_clock::now() + 90s;
  for (;;) {
    try {
      auto version = http::fetch_blocking(
          {"GET", "http://127.0.0.1:" + std::to_string(impl_->port) + "/json/version"},
          {.timeout = 2s});
      if (version.status == 200) return;
    } catch (const http::FetchError&) {
    }
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("Chromium's DevTools did not answer within 90 s");
    std::this_thread::sleep_for(100ms);
  }
}

HeadlessChromium::~HeadlessChromium() {
  impl_->page.reset();
  impl_->browser.reset();  // SIGTERM
  demo::remove_temporary_directory(impl_->profile);
}

void HeadlessChromium::open(const std::string& url, int width, int height) {
  auto target = http::fetch_blocking(
      {"PUT", "http://127.0.0.1:" + std::to_string(impl_->port) + "/json/new?about:blank"});
  std::string socket_url(json::parse(target.body).at("webSocketDebuggerUrl").as_string());
  auto path = socket_url.substr(socket_url.find('/', std::string("ws://").size()));
  tcp::socket socket(impl_->io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), impl_->port});
  impl_->page.emplace(std::move(socket));
  impl_->page->handshake("127.0.0.1:" + std::to_string(impl_->port), path);
  impl_->call("Emulation.setDeviceMetricsOverride",
              {{"width", width}, {"height", height}, {"deviceScaleFactor", 1}, {"mobile", false}});
  impl_->call("Page.navigate", {{"url", url}});
}

std::string HeadlessChromium::html_once(const std::string& ready,
                                        std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto result = impl_->call("Runtime.evaluate",
                              {{"expression", "Boolean(" + ready + ")"}, {"returnByValue", true}});
    const auto* value = result.at("result").as_object().if_contains("value");
    if (value && value->is_bool() && value->as_bool()) break;
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("the page never got to `" + ready + "`");
    std::this_thread::sleep_for(50ms);
  }
  auto html = impl_->call("Runtime.evaluate", {{"expression", "document.documentElement.outerHTML"},
                                               {"returnByValue", true}});
  return std::string(html.at("result").at("value").as_string());
}

void HeadlessChromium::screenshot(const std::filesystem::path& png) {
  auto shot =
      impl_->call("Page.captureScreenshot", {{"format", "png"}, {"captureBeyondViewport", true}});
  std::ofstream(png, std::ios::binary) << base64_decode(std::string(shot.at("data").as_string()));
}

}  // namespace parity::test
