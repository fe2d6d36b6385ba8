#pragma once
// The code a lesson's README shows is pulled from the compiled sources, never pasted. A fenced
// block right after a marker line is the excerpt the marker names:
//
//   <!-- excerpt: tutorials/04_futures/lesson.cpp#lookup -->   a region of a source file, between
//                                                               `// [excerpt: lookup]` and
//                                                               `// [/excerpt]`, dedented
//   <!-- excerpt: tutorials/14_more_than_one_core/nginx.conf -->  a whole file
//   <!-- excerpt: class sync fetch -->                           a style's endpoint class
//   <!-- excerpt: diff fetch sync coroutine -->                  `parity diff fetch sync coroutine`
//   <!-- excerpt: diff chain sync coroutine --changes -->        only its changed lines
//
// `tutorial-excerpts check` (a test in `make test`) fails when a block differs from what its
// marker names; `scripts/update-excerpts.sh` rewrites the blocks.

#include <filesystem>
#include <string>
#include <vector>

namespace parity::tutorials {

struct Excerpt {
  std::filesystem::path readme;
  int line = 0;        // the marker's, 1-based
  std::string marker;  // what follows "excerpt:"
  std::string shown;   // the block's text in the README
  std::string source;  // what the marker names, as it should be shown
};

// Every excerpt of every tutorials/*/README.md, README.md and docs/*.md under `root` (the
// checkout). Throws std::runtime_error for a marker that names nothing (no such file, region,
// style or endpoint) or that no fenced block follows.
std::vector<Excerpt> find_excerpts(const std::filesystem::path& root);

// Rewrites each README whose blocks differ from their sources; returns the files it changed.
std::vector<std::filesystem::path> rewrite_excerpts(const std::filesystem::path& root);

// A link from the same files to a function in a source file, as docs/core.md's map of one request
// has them: [`Session::read_header`](../common/http/server/session.cpp). It holds while the file
// exists and has `Session::read_header(`, or, for a function defined in its class, `read_header(`
// (not as a member call, nor as the end of a longer name) and the word `Session`. Only links
// whose text is one code span and whose target is a .cpp or .hpp file, with no #anchor, on one
// line, are checked.
struct CodeLink {
  std::filesystem::path readme;
  int line = 0;
  std::string name;    // Session::read_header
  std::string target;  // as written, relative to the README
  std::string problem;
};

// Every code link under `root` that no longer holds.
std::vector<CodeLink> stale_code_links(const std::filesystem::path& root);

}  // namespace parity::tutorials
