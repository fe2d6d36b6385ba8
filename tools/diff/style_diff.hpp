#pragma once
// `parity diff`: one endpoint's handler class in two styles, as a unified diff, so a student sees
// a lesson-sized step (sync -> coroutine on /fetch) instead of a whole file's diff. It reads the
// style sources as text: the class named after the endpoint (fetch -> FetchHandler), from its
// leading comment to the `};` that closes it.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parity::diff {

// The endpoints, by the names `parity diff` takes (and routes.hpp uses).
const std::vector<std::string>& endpoint_names();

// Where the style sources are: `preferred` if given, else the copy beside the executable
// (share/parity/styles: an install's, or the one the build makes), else the checkout's styles/.
// Throws std::runtime_error naming where it looked.
std::filesystem::path find_style_sources(const std::optional<std::filesystem::path>& preferred);

struct EndpointSource {
  std::string file;    // relative to the sources' parent, e.g. styles/sync/sync_style.cpp
  int first_line = 0;  // 1-based
  std::vector<std::string> lines;
};

// The class of `endpoint` in `style`'s file. Throws std::invalid_argument for an unknown
// endpoint or style, std::runtime_error if the file or the class is not found.
EndpointSource read_endpoint(const std::filesystem::path& sources, std::string_view style,
                             std::string_view endpoint);

struct UnifiedDiff {
  std::string text;  // ---/+++ header and one hunk holding the whole class
  int removed = 0;
  int added = 0;
};

// Line by line (longest common subsequence); `color` marks removed lines red, added green.
UnifiedDiff unified_diff(const EndpointSource& a, const EndpointSource& b, bool color = false);

}  // namespace parity::diff
