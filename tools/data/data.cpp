#include "tools/data/data.hpp"

#include <unistd.h>

#include <array>
#include <string>

namespace parity::data {
namespace fs = std::filesystem;

fs::path executable_dir() {
  std::array<char, 4096> buffer{};
  auto n = ::readlink("/proc/self/exe", buffer.data(), buffer.size() - 1);
  if (n <= 0) return {};
  return fs::path(std::string(buffer.data(), static_cast<std::size_t>(n))).parent_path();
}

std::optional<fs::path> installed_share() {
  auto exe = executable_dir();
  if (exe.empty()) return std::nullopt;
  // `cmake --install` writes this file; a build tree has none (its share/parity holds only the
  // style copies `parity diff` reads).
  auto share = (exe / PARITY_SHARE_FROM_BIN).lexically_normal();
  std::error_code ec;
  if (fs::exists(share / "installed", ec)) return share;
  return std::nullopt;
}

std::optional<fs::path> installed_package_dir() {
  if (!installed_share()) return std::nullopt;
  return (executable_dir() / PARITY_PACKAGE_FROM_BIN).lexically_normal();
}

fs::path source_dir() {
  return PARITY_SOURCE_DIR;
}

fs::path find(const fs::path& relative) {
  if (auto share = installed_share()) return *share / relative;
  return source_dir() / relative;
}

std::string readable_path(const fs::path& relative) {
  if (auto share = installed_share()) return (*share / relative).string();
  return relative.string();
}

}  // namespace parity::data
