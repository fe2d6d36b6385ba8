#include "common/text/wrap.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

namespace parity::text {

std::string wrap(std::string_view text, std::size_t width, std::string_view first) {
  const std::string indent(first.size(), ' ');
  std::string out(first);
  std::size_t column = first.size();
  bool line_empty = true;
  for (std::size_t at = 0; at <= text.size();) {
    auto end = text.find_first_of(" \n", at);
    if (end == std::string_view::npos) end = text.size();
    auto word = text.substr(at, end - at);
    if (!word.empty()) {
      if (!line_empty && column + 1 + word.size() > width) {
        out += "\n" + indent;
        column = indent.size();
        line_empty = true;
      }
      if (!line_empty) {
        out += ' ';
        ++column;
      }
      out += word;
      column += word.size();
      line_empty = false;
    }
    if (end < text.size() && text[end] == '\n') {
      out += "\n" + indent;
      column = indent.size();
      line_empty = true;
    }
    at = end + 1;
  }
  return out;
}

std::size_t terminal_width() {
  winsize size{};
  if (::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 &&
      size.ws_col >= 40)
    return size.ws_col;
  return 80;
}

}  // namespace parity::text
