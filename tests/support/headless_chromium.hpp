#pragma once
// Headless Chromium, driven over the DevTools protocol (a WebSocket): open a page, wait until a
// condition holds in it, read its DOM, take a screenshot. `chromium --dump-dom` does not wait for
// a page's own fetches, so a test of a page that streams needs this.

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

namespace parity::test {

class HeadlessChromium {
 public:
  // Throws std::runtime_error if Chromium is not installed or does not start in 20 s.
  HeadlessChromium();
  ~HeadlessChromium();
  HeadlessChromium(const HeadlessChromium&) = delete;
  HeadlessChromium& operator=(const HeadlessChromium&) = delete;

  // Opens `url` in a tab of `width` x `height` CSS pixels.
  void open(const std::string& url, int width = 1400, int height = 1000);
  // Evaluates the JavaScript expression `ready` until it is true (`timeout` at most), then
  // returns the page's HTML. Throws std::runtime_error on timeout.
  std::string html_once(const std::string& ready, std::chrono::milliseconds timeout);
  void screenshot(const std::filesystem::path& png);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parity::test
