// tutorial-excerpts check|write [ROOT]: are the code blocks of tutorials/*/README.md what their
// markers name (tutorials/excerpts.hpp), and do the links to functions (docs/core.md's map) still
// lead to them? `check` lists each that does not and exits 1; `write` rewrites the blocks. ROOT is
// the checkout, by default the one this was built from.

#include "tutorials/excerpts.hpp"

#include <fmt/format.h>

#include <exception>
#include <string_view>

int main(int argc, char** argv) {
  std::string_view mode = argc > 1 ? argv[1] : "";
  std::filesystem::path root = argc > 2 ? argv[2] : PARITY_SOURCE_DIR;
  if (argc > 3 || (mode != "check" && mode != "write")) {
    fmt::print(stderr, "usage: tutorial-excerpts check|write [CHECKOUT]\n");
    return 2;
  }
  try {
    if (mode == "write") {
      for (const auto& file : parity::tutorials::rewrite_excerpts(root))
        fmt::print("rewrote {}\n", file.string());
      return 0;
    }
    int stale = 0, total = 0;
    for (const auto& excerpt : parity::tutorials::find_excerpts(root)) {
      ++total;
      if (excerpt.shown == excerpt.source) continue;
      ++stale;
      fmt::print(
          "{}:{}: the block after `excerpt: {}` differs from its source.\n"
          "--- shown\n{}--- the source\n{}\n",
          excerpt.readme.string(), excerpt.line, excerpt.marker, excerpt.shown, excerpt.source);
    }
    fmt::print("{} of {} excerpts match their sources.\n", total - stale, total);
    if (stale) fmt::print("Run scripts/update-excerpts.sh to rewrite them.\n");
    auto links = parity::tutorials::stale_code_links(root);
    for (const auto& link : links) {
      fmt::print("{}:{}: the link to `{}` ({}) is stale: {}.\n", link.readme.string(), link.line,
                 link.name, link.target, link.problem);
    }
    if (!links.empty()) fmt::print("Point each at the file that defines the function now.\n");
    return stale || !links.empty() ? 1 : 0;
  } catch (const std::exception& e) {
    fmt::print(stderr, "tutorial-excerpts: {}\n", e.what());
    return 1;
  }
}
