#include "tutorials/excerpts.hpp"

#include "tools/diff/style_diff.hpp"

#include <boost/regex.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace parity::tutorials {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kOpen = "<!-- excerpt:";
constexpr std::string_view kClose = "-->";

std::vector<std::string> read_lines(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string join(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

std::string trim(std::string_view text) {
  auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

// The lines between `// [excerpt: name]` and `// [/excerpt]`, less their common indentation.
std::vector<std::string> region(const fs::path& file, const std::string& name) {
  auto lines = read_lines(file);
  const std::string open = "// [excerpt: " + name + "]";
  auto start = std::find_if(lines.begin(), lines.end(),
                            [&](const std::string& l) { return trim(l) == open; });
  if (start == lines.end())
    throw std::runtime_error(file.string() + " has no region `" + open + "`");
  auto end = std::find_if(start + 1, lines.end(),
                          [](const std::string& l) { return trim(l) == "// [/excerpt]"; });
  if (end == lines.end())
    throw std::runtime_error(file.string() + ": region " + name + " has no `// [/excerpt]`");
  std::vector<std::string> body(start + 1, end);
  std::size_t indent = std::string::npos;
  for (const auto& line : body)
    if (!trim(line).empty()) indent = std::min(indent, line.find_first_not_of(' '));
  for (auto& line : body) line = line.size() > indent ? line.substr(indent) : trim(line);
  return body;
}

// Only the changed lines of a diff, " ..." where unchanged ones were left out.
std::vector<std::string> changes_only(const std::vector<std::string>& hunk) {
  std::vector<std::string> out;
  bool skipped = false;
  for (const auto& line : hunk) {
    bool changed = !line.empty() && (line[0] == '-' || line[0] == '+');
    if (!changed) {
      skipped = true;
      continue;
    }
    if (skipped && !out.empty()) out.push_back(" ...");
    skipped = false;
    out.push_back(line);
  }
  return out;
}

std::string resolve(const fs::path& root, const std::string& marker) {
  auto parts = words(marker);
  const auto styles = root / "styles";
  if (parts.size() == 3 && parts[0] == "class")
    return join(diff::read_endpoint(styles, parts[1], parts[2]).lines);
  if ((parts.size() == 4 || parts.size() == 5) && parts[0] == "diff") {
    auto diff = diff::unified_diff(diff::read_endpoint(styles, parts[2], parts[1]),
                                   diff::read_endpoint(styles, parts[3], parts[1]));
    std::istringstream in(diff.text);
    std::vector<std::string> hunk;
    for (std::string line; std::getline(in, line);)
      if (!line.starts_with("---") && !line.starts_with("+++") && !line.starts_with("@@"))
        hunk.push_back(line);
    if (parts.size() == 5) {
      if (parts[4] != "--changes") throw std::runtime_error("unknown option " + parts[4]);
      hunk = changes_only(hunk);
    }
    return join(hunk);
  }
  auto hash = marker.find('#');
  if (parts.size() == 1 && hash != std::string::npos)
    return join(region(root / trim(marker.substr(0, hash)), trim(marker.substr(hash + 1))));
  if (parts.size() == 1) return join(read_lines(root / parts[0]));  // the whole file
  throw std::runtime_error("cannot read the marker `" + marker + "`");
}

struct Block {
  Excerpt excerpt;
  std::size_t first = 0;  // index of the block's first line (after the fence)
  std::size_t end = 0;    // index of the closing fence
};

std::vector<Block> blocks(const fs::path& root, const fs::path& readme,
                          const std::vector<std::string>& lines) {
  std::vector<Block> found;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto line = trim(lines[i]);
    if (!line.starts_with(kOpen)) continue;
    auto where = readme.string() + ":" + std::to_string(i + 1);
    if (!line.ends_with(kClose)) throw std::runtime_error(where + ": the marker does not end");
    auto marker = trim(line.substr(kOpen.size(), line.size() - kOpen.size() - kClose.size()));
    if (i + 1 >= lines.size() || !lines[i + 1].starts_with("```"))
      throw std::runtime_error(where + ": no ``` block follows the marker");
    std::size_t end = i + 2;
    while (end < lines.size() && trim(lines[end]) != "```") ++end;
    if (end == lines.size()) throw std::runtime_error(where + ": the block does not end");
    Block block;
    block.excerpt.readme = readme;
    block.excerpt.line = static_cast<int>(i + 1);
    block.excerpt.marker = marker;
    block.excerpt.shown = join(std::vector<std::string>(lines.begin() + static_cast<long>(i) + 2,
                                                        lines.begin() + static_cast<long>(end)));
    try {
      block.excerpt.source = resolve(root, marker);
    } catch (const std::exception& e) {
      throw std::runtime_error(where + ": " + e.what());
    }
    block.first = i + 2;
    block.end = end;
    found.push_back(std::move(block));
    i = end;
  }
  return found;
}

std::vector<fs::path> readmes(const fs::path& root) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root / "tutorials"))
    if (entry.path().filename() == "README.md") files.push_back(entry.path());
  // The top-level README and docs/ quote the code too.
  if (fs::exists(root / "README.md")) files.push_back(root / "README.md");
  if (fs::is_directory(root / "docs"))
    for (const auto& entry : fs::directory_iterator(root / "docs"))
      if (entry.path().extension() == ".md") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

std::vector<Excerpt> find_excerpts(const fs::path& root) {
  std::vector<Excerpt> all;
  for (const auto& readme : readmes(root))
    for (auto& block : blocks(root, readme, read_lines(readme)))
      all.push_back(std::move(block.excerpt));
  return all;
}

std::vector<fs::path> rewrite_excerpts(const fs::path& root) {
  std::vector<fs::path> changed;
  for (const auto& readme : readmes(root)) {
    auto lines = read_lines(readme);
    auto found = blocks(root, readme, lines);
    bool differs = false;
    // From the last block to the first, so earlier indices stay valid.
    for (auto it = found.rbegin(); it != found.rend(); ++it) {
      if (it->excerpt.shown == it->excerpt.source) continue;
      differs = true;
      std::vector<std::string> source;
      std::istringstream in(it->excerpt.source);
      for (std::string line; std::getline(in, line);) source.push_back(line);
      lines.erase(lines.begin() + static_cast<long>(it->first),
                  lines.begin() + static_cast<long>(it->end));
      lines.insert(lines.begin() + static_cast<long>(it->first), source.begin(), source.end());
    }
    if (!differs) continue;
    std::ofstream(readme) << join(lines);
    changed.push_back(readme);
  }
  return changed;
}

std::vector<CodeLink> stale_code_links(const fs::path& root) {
  // [`A::b`](path.cpp) or [`b()`](path.hpp): a code span naming a function, then a source file.
  static const boost::regex link(
      R"re(\[`([A-Za-z_][A-Za-z0-9_:~]*)(?:\(\))?`\]\(([^)#\s]+\.[ch]pp)\))re");
  std::vector<CodeLink> stale;
  for (const auto& readme : readmes(root)) {
    auto lines = read_lines(readme);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      for (boost::sregex_iterator m(lines[i].begin(), lines[i].end(), link), end; m != end; ++m) {
        CodeLink found{readme, static_cast<int>(i + 1), (*m)[1], (*m)[2], {}};
        auto file = readme.parent_path() / found.target;
        std::ifstream in(file);
        if (!in) {
          found.problem = "no such file";
          stale.push_back(std::move(found));
          continue;
        }
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::vector<std::string> parts;
        for (std::size_t at = 0;;) {
          auto next = found.name.find("::", at);
          parts.push_back(found.name.substr(at, next - at));
          if (next == std::string::npos) break;
          at = next + 2;
        }
        const std::string& function = parts.back();
        auto has = [&](const std::string& pattern) {
          return boost::regex_search(text, boost::regex(pattern));
        };
        bool defined_outside_its_class =
            parts.size() > 1 && has("\\b" + parts[parts.size() - 2] + "::" + function + "\\s*\\(");
        if (!defined_outside_its_class) {
          if (!has("(^|[^\\w.>:~])" + function + "\\s*\\("))
            found.problem = "the file has no `" + function + "(`";
          for (std::size_t q = 0; q + 1 < parts.size() && found.problem.empty(); ++q)
            if (!has("\\b" + parts[q] + "\\b"))
              found.problem = "the file never names `" + parts[q] + "`";
        }
        if (!found.problem.empty()) stale.push_back(std::move(found));
      }
    }
  }
  return stale;
}

}  // namespace parity::tutorials
