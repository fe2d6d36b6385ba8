#pragma once
// The access log: one line per answered request, as Tornado's log_request. Written by the request
// handler when it finishes (web/request_handler.cpp) and by the session for the answers the server
// gives itself (a 400 for a malformed request, a 500 for a handler let go of).

#include "common/http/wire/types.hpp"
#include "common/loop/loop.hpp"

#include <string_view>

namespace parity::http {

// Tornado's access line: `200 GET /path?q (127.0.0.1) 12.34ms`, at info below 400, warning below
// 500, error from 500. With `timing`, Server-Timing's parts follow: `(loop 12.10 wait 0.24 pool
// 0.00)`, in milliseconds.
void log_access(unsigned status, std::string_view method, std::string_view target,
                std::string_view peer, Clock::duration elapsed, const Timing* timing = nullptr);

}  // namespace parity::http
