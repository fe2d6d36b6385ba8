#pragma once
// Where `parity` finds what it reads at run time (the style sources `parity diff` shows, the
// Tornado peer, the exercises `parity learn init` copies): beside an installed `parity`, in
// <prefix>/share/parity (found from bin/ as GNUInstallDirs laid them out); run from a build
// tree, in the checkout it was built from. Only relative paths are compiled in for an install,
// so an installed tree can be moved as a whole.

#include <filesystem>
#include <optional>
#include <string>

namespace parity::data {

// The directory holding the running executable (/proc/self/exe's).
std::filesystem::path executable_dir();

// <prefix>/share/parity when this `parity` is an installed one, else nullopt (a build tree).
std::optional<std::filesystem::path> installed_share();
// The installed CMake package's folder (<prefix>/lib/cmake/Parity), for a project's Parity_DIR.
std::optional<std::filesystem::path> installed_package_dir();

// `relative` under the installed share/parity if this is an installed `parity`, else
// `relative` under the checkout this build came from.
std::filesystem::path find(const std::filesystem::path& relative);

// `relative` as a reader should be told where it is: as is in a build tree (read from the
// checkout), the installed file's full path otherwise.
std::string readable_path(const std::filesystem::path& relative);

// The checkout the build came from (compiled in; may be gone on a machine it was installed on).
std::filesystem::path source_dir();

}  // namespace parity::data
