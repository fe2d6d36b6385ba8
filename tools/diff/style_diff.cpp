#include "tools/diff/style_diff.hpp"

#include "app/service.hpp"
#include "tools/data/data.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace parity::diff {
namespace {

namespace fs = std::filesystem;

// fetch -> FetchHandler, cmdb_search -> CmdbSearchHandler.
std::string class_name(std::string_view endpoint) {
  std::string name;
  bool upper = true;
  for (char c : endpoint) {
    if (c == '_') {
      upper = true;
      continue;
    }
    name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return name + "Handler";
}

std::vector<std::string> read_lines(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool has_styles(const fs::path& dir) {
  std::error_code ec;
  return fs::exists(dir / "sync" / "sync_style.cpp", ec);
}

}  // namespace

const std::vector<std::string>& endpoint_names() {
  static const std::vector<std::string> names{"hello",    "fetch",   "sleep",       "chain",
                                              "parallel", "compute", "cmdb_search", "cmdb_import",
                                              "upload",   "stream"};
  return names;
}

fs::path find_style_sources(const std::optional<fs::path>& preferred) {
  if (preferred) {
    if (has_styles(*preferred)) return *preferred;
    if (has_styles(*preferred / "styles")) return *preferred / "styles";
    throw std::runtime_error("no style sources in " + preferred->string() +
                             " (expected sync/sync_style.cpp there or under styles/)");
  }
  std::vector<fs::path> tried;
  // The copy beside the executable (an install's, or the one the build makes), then the checkout.
  if (auto share = data::installed_share()) tried.push_back(*share / "styles");
  auto exe = data::executable_dir();
  if (!exe.empty()) tried.push_back(exe.parent_path() / "share" / "parity" / "styles");
  tried.push_back(data::source_dir() / "styles");
  for (const auto& dir : tried)
    if (has_styles(dir)) return dir;
  std::string where;
  for (const auto& dir : tried) where += "\n  " + dir.string();
  throw std::runtime_error("the style sources are not where the build put them:" + where +
                           "\ngive --sources DIR (a checkout's styles/)");
}

EndpointSource read_endpoint(const fs::path& sources, std::string_view style,
                             std::string_view endpoint) {
  const auto& names = endpoint_names();
  if (std::find(names.begin(), names.end(), endpoint) == names.end()) {
    throw std::invalid_argument(
        fmt::format("unknown endpoint '{}'; one of: {}", endpoint, fmt::join(names, ", ")));
  }
  if (std::find(app::kStyles.begin(), app::kStyles.end(), style) == app::kStyles.end()) {
    throw std::invalid_argument(
        fmt::format("unknown style '{}'; one of: {}", style, fmt::join(app::kStyles, ", ")));
  }
  auto relative = fs::path(std::string(style)) / (std::string(style) + "_style.cpp");
  auto lines = read_lines(sources / relative);
  const std::string opening = "class " + class_name(endpoint) + " final";
  auto start = std::find_if(lines.begin(), lines.end(),
                            [&](const std::string& line) { return line.starts_with(opening); });
  if (start == lines.end()) {
    throw std::runtime_error(fmt::format("no '{}' in {}", opening, (sources / relative).string()));
  }
  auto end = std::find(start, lines.end(), "};");
  if (end == lines.end()) throw std::runtime_error("'" + opening + "' is never closed");
  while (start != lines.begin() && std::prev(start)->starts_with("//")) --start;  // its comment
  EndpointSource source;
  source.file = (fs::path("styles") / relative).string();
  source.first_line = static_cast<int>(start - lines.begin()) + 1;
  source.lines.assign(start, std::next(end));
  return source;
}

UnifiedDiff unified_diff(const EndpointSource& a, const EndpointSource& b, bool color) {
  const auto& x = a.lines;
  const auto& y = b.lines;
  // common[i][j]: the longest common subsequence of x[i..] and y[j..].
  std::vector<std::vector<int>> common(x.size() + 1, std::vector<int>(y.size() + 1, 0));
  for (std::size_t i = x.size(); i-- > 0;) {
    for (std::size_t j = y.size(); j-- > 0;) {
      common[i][j] =
          x[i] == y[j] ? common[i + 1][j + 1] + 1 : std::max(common[i + 1][j], common[i][j + 1]);
    }
  }
  const char* red = color ? "\x1b[31m" : "";
  const char* green = color ? "\x1b[32m" : "";
  const char* reset = color ? "\x1b[0m" : "";
  UnifiedDiff diff;
  std::string body;
  std::size_t i = 0, j = 0;
  while (i < x.size() || j < y.size()) {
    if (i < x.size() && j < y.size() && x[i] == y[j]) {
      body += " " + x[i++] + "\n";
      ++j;
    } else if (i < x.size() && (j == y.size() || common[i + 1][j] >= common[i][j + 1])) {
      body += fmt::format("{}-{}{}\n", red, x[i++], reset);  // removals first, as diff -u
      ++diff.removed;
    } else {
      body += fmt::format("{}+{}{}\n", green, y[j++], reset);
      ++diff.added;
    }
  }
  diff.text = fmt::format("--- {}\n+++ {}\n@@ -{},{} +{},{} @@\n", a.file, b.file, a.first_line,
                          x.size(), b.first_line, y.size()) +
              body;
  return diff;
}

}  // namespace parity::diff
