#pragma once
// Seed 001's media handler: files saved under <upload dir>/<form field>/<filename>, and deleted
// by ?directory=&filename=. Blocking file I/O: each style decides where it may run (the loop for
// sync, a pool thread for every other style).

#include "app/demo/context.hpp"
#include "common/http/wire/multipart.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace parity::demo {

// What the seed answers as {"code", "reason"}, with HTTP statuses instead of its private codes.
struct UploadOutcome {
  unsigned status;  // 201 saved, 200 deleted, 400 empty/missing/unsafe, 404, 409 exists, 415
  std::string reason;
};

// Checks every file first, then saves them all (none if any check fails). Never throws: a
// failure is an outcome (500).
UploadOutcome save_uploads(const Context& context, const std::vector<http::UploadedFile>& files);
UploadOutcome delete_upload(const Context& context, const std::optional<std::string>& directory,
                            const std::optional<std::string>& filename);

// A new, empty directory under the system's temporary directory, named <prefix>-XXXXXX: the
// default --upload-dir. Throws std::system_error. Until remove_temporary_directory() removes it,
// it is also removed if the process is interrupted (see remove_temporaries_on_interrupt).
std::filesystem::path make_temporary_directory(const std::string& prefix);
void remove_temporary_directory(const std::filesystem::path& dir);

// From now on, SIGINT and SIGTERM remove every temporary directory still made, then end the
// process (128 + the signal), so that Ctrl-C during a tutorial step leaves nothing in /tmp.
// For a command that runs in-process work with no signal handling of its own (parity tutorial);
// a server stopping gracefully on signals removes its directories as it returns.
void remove_temporaries_on_interrupt();

}  // namespace parity::demo
