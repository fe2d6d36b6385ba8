#include "app/demo/uploads.hpp"

#include "common/log/log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

namespace parity::demo {
namespace {

namespace fs = std::filesystem;

// The longest name a file system takes for one path component (NAME_MAX on Linux).
constexpr std::size_t kLongestName = 255;

// One plain path component: nothing that could climb out of, or jump past, the upload directory,
// and short enough for the file system (a longer one made it throw, and the 500 echoed the path).
bool is_plain_name(const std::string& name) {
  return !name.empty() && name.size() <= kLongestName && name != "." && name != ".." &&
         name.find_first_of("/\\") == std::string::npos && name.find('\0') == std::string::npos;
}

// A name as a client may see it again: no longer than a line.
std::string shown(const std::string& name) {
  return name.size() <= 64 ? name : name.substr(0, 61) + "...";
}

std::string lower_extension(const std::string& filename) {
  std::string extension = fs::path(filename).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension;
}

}  // namespace

UploadOutcome save_uploads(const Context& context,
                           const std::vector<http::UploadedFile>& files) try {
  if (files.empty()) return {400, "the upload file is empty: send multipart/form-data with a file"};
  for (const auto& file : files) {
    if (file.field.size() > kLongestName || file.filename.size() > kLongestName) {
      return {400, fmt::format("a field or file name is longer than {} bytes", kLongestName)};
    }
    if (!is_plain_name(file.field) || !is_plain_name(file.filename)) {
      return {400, fmt::format("'{}/{}' would leave the upload directory", shown(file.field),
                               shown(file.filename))};
    }
    auto extension = lower_extension(file.filename);
    const auto& allowed = context.allowed_extensions;
    if (std::find(allowed.begin(), allowed.end(), extension) == allowed.end()) {
      return {415, fmt::format("file format '{}' is not supported; allowed: {}", extension,
                               fmt::join(allowed, " "))};
    }
    if (file.body.empty()) return {400, fmt::format("the upload file {} is empty", file.filename)};
    if (fs::exists(context.upload_dir / file.field / file.filename)) {
      return {409, fmt::format("file {}/{} already exists", file.field, file.filename)};
    }
  }
  for (const auto& file : files) {
    fs::create_directories(context.upload_dir / file.field);
    auto path = context.upload_dir / file.field / file.filename;
    // "x": fail rather than overwrite if another request created it since the check above.
    std::FILE* out = std::fopen(path.c_str(), "wbx");
    if (!out) return {409, fmt::format("file {}/{} already exists", file.field, file.filename)};
    bool written = std::fwrite(file.body.data(), 1, file.body.size(), out) == file.body.size();
    written = std::fclose(out) == 0 && written;
    if (!written) return {500, fmt::format("could not write {}/{}", file.field, file.filename)};
  }
  return {201, fmt::format("saved {} file(s)", files.size())};
} catch (const std::exception& e) {
  // The detail (a server path, an errno) is for the log, never for the client.
  log::error("upload", "could not save: {}", e.what());
  return {500, "could not save the upload"};
}

UploadOutcome delete_upload(const Context& context, const std::optional<std::string>& directory,
                            const std::optional<std::string>& filename) {
  if (!directory || !filename || directory->empty() || filename->empty()) {
    return {400, "missing argument: give both directory and filename"};
  }
  if (directory->size() > kLongestName || filename->size() > kLongestName) {
    return {400, fmt::format("a directory or file name is longer than {} bytes", kLongestName)};
  }
  if (!is_plain_name(*directory) || !is_plain_name(*filename)) {
    return {400, fmt::format("'{}/{}' would leave the upload directory", shown(*directory),
                             shown(*filename))};
  }
  std::error_code ec;
  if (!fs::remove(context.upload_dir / *directory / *filename, ec)) {
    return {404, fmt::format("no file {}/{}", *directory, *filename)};
  }
  return {200, fmt::format("deleted {}/{}", *directory, *filename)};
}

namespace {

std::mutex g_temporaries_mutex;
std::vector<fs::path> g_temporaries;
int g_interrupt_pipe[2] = {-1, -1};

// The handler only writes the signal's number: a thread does the rest, where it may allocate and
// take locks.
void on_interrupt(int signal) {
  int saved = errno;
  unsigned char number = static_cast<unsigned char>(signal);
  [[maybe_unused]] auto written = ::write(g_interrupt_pipe[1], &number, 1);
  errno = saved;
}

}  // namespace

fs::path make_temporary_directory(const std::string& prefix) {
  std::string pattern = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (!::mkdtemp(pattern.data()))
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
  std::lock_guard lock(g_temporaries_mutex);
  g_temporaries.emplace_back(pattern);
  return pattern;
}

void remove_temporary_directory(const fs::path& dir) {
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  std::lock_guard lock(g_temporaries_mutex);
  std::erase(g_temporaries, dir);
}

void remove_temporaries_on_interrupt() {
  if (g_interrupt_pipe[0] >= 0 || ::pipe2(g_interrupt_pipe, O_CLOEXEC) != 0) return;
  std::thread([] {
    unsigned char number = 0;
    while (::read(g_interrupt_pipe[0], &number, 1) < 0 && errno == EINTR) {
    }
    {
      std::lock_guard lock(g_temporaries_mutex);
      std::error_code ignored;
      for (const auto& dir : g_temporaries) fs::remove_all(dir, ignored);
    }
    std::fflush(stdout);
    ::_exit(128 + number);
  }).detach();
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  action.sa_flags = SA_RESETHAND;  // a second Ctrl-C ends the process at once
  ::sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

}  // namespace parity::demo
