#include "common/http/web/redirect_handler.hpp"

namespace parity::http {

void RedirectHandler::initialize(std::string url, bool permanent) {
  url_ = std::move(url);
  permanent_ = permanent;
}

void RedirectHandler::get() {
  std::string target;
  for (std::size_t i = 0; i < url_.size(); ++i) {
    auto close = url_.find('}', i);
    if (url_[i] != '{' || close == std::string::npos) {
      target += url_[i];
      continue;
    }
    std::string key = url_.substr(i + 1, close - i - 1);
    bool positional = !key.empty() && key.find_first_not_of("0123456789") == std::string::npos;
    if (positional && std::stoul(key) < path_args().size())
      target += path_args()[std::stoul(key)];
    else if (!positional)
      target += path_arg(key);  // a group the route lacks: std::out_of_range, a 500 and a log line
    else
      throw std::out_of_range("RedirectHandler: the route has no group " + key);
    i = close;
  }
  // A group's value is the client's: one with a control character is refused, not echoed.
  for (unsigned char c : target)
    if (c < 0x20 || c == 0x7f) throw HttpError(400, "the path holds a control character");
  if (!query().empty())
    target += (target.find('?') == std::string::npos ? "?" : "&") + std::string(query());
  redirect(target, permanent_);
}

}  // namespace parity::http
