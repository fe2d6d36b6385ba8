// The HTTP core's layers (docs/core.md): the wire at the bottom, the server and the client on it,
// the web framework over the server, all of them on the loop. An include is an arrow; every arrow
// goes down, so that each layer can be read, tested and replaced knowing only what is below it.

#include <gtest/gtest.h>

#include <boost/regex.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path kCommon = fs::path(PARITY_SOURCE_DIR) / "common";

// What each layer of common/http may include of the others.
const std::map<std::string, std::set<std::string>> kMayInclude{
    {"wire", {}},
    {"server", {"wire"}},
    {"client", {"wire"}},
    {"web", {"wire", "server"}},
};

// Each `#include "common/http/..."` of the files under `folder` that `allowed` does not admit
// (a layer's folder name, or a file of common/http outside any layer), as "file: line".
std::vector<std::string> includes_outside(const fs::path& folder,
                                          const std::set<std::string>& allowed) {
  static const boost::regex include(R"re(^\s*#\s*include\s+"common/http/([^"]*)")re");
  std::vector<std::string> wrong;
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      boost::smatch m;
      if (!boost::regex_search(line, m, include)) continue;
      std::string path = m[1];
      auto slash = path.find('/');
      if (slash == std::string::npos || !allowed.contains(path.substr(0, slash)))
        wrong.push_back(fs::relative(entry.path(), kCommon).string() + ": " + line);
    }
  }
  return wrong;
}

TEST(CoreLayers, EveryFileOfTheHttpCoreIsInALayer) {
  for (const auto& entry : fs::directory_iterator(kCommon / "http")) {
    EXPECT_TRUE(entry.is_directory() && kMayInclude.contains(entry.path().filename().string()))
        << entry.path().filename() << " is in common/http but in none of its layers";
  }
}

TEST(CoreLayers, EachLayerIncludesOnlyItselfAndTheLayersBelowIt) {
  for (auto [layer, allowed] : kMayInclude) {
    allowed.insert(layer);
    for (const auto& line : includes_outside(kCommon / "http" / layer, allowed))
      ADD_FAILURE() << "common/" << line << "\nA layer includes only those below it "
                    << "(docs/core.md): wire <- server, client <- web.";
  }
}

TEST(CoreLayers, TheLoopAndWhatItUsesIncludeNothingOfTheHttpCore) {
  for (const char* below : {"loop", "future", "log", "text"}) {
    for (const auto& line : includes_outside(kCommon / below, {}))
      ADD_FAILURE() << "common/" << line << "\nThe HTTP core stands on the loop, not the reverse.";
  }
}

}  // namespace
