#pragma once
// Text for a terminal: long lines wrapped at word boundaries, to the terminal's width.

#include <cstddef>
#include <string>
#include <string_view>

namespace parity::text {

// `text` wrapped at word boundaries to lines of at most `width` characters: the first line
// starts with `first`, the others with as many spaces. Newlines in `text` are kept. A word
// longer than a line stands alone on its own line.
std::string wrap(std::string_view text, std::size_t width, std::string_view first);

// Standard output's width if it is a terminal (40 at least), else 80 (a file, a pipe, CI).
std::size_t terminal_width();

}  // namespace parity::text
