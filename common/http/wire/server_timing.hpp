#pragma once
// The Server-Timing header (W3C) each response a handler finishes carries, which browsers'
// developer tools draw per request:
//
//   Server-Timing: loop;dur=100.120, wait;dur=0.031, pool;dur=0.000, total;dur=100.151
//
// in milliseconds, to the microsecond: where the request's time went (types.hpp's Timing).

#include "common/http/wire/types.hpp"

#include <cstddef>

#include <optional>
#include <string>
#include <string_view>

namespace parity::http {

// Writes the header's value at `out`, which has room for kServerTimingSize characters, and
// returns its end: into a buffer on the caller's stack, so that the header costs no allocation of
// its own.
inline constexpr std::size_t kServerTimingSize = 160;
char* write_server_timing(char* out, const Timing& timing);
std::string format_server_timing(const Timing& timing);
// The four parts of a header format_server_timing wrote; nothing for anything else.
std::optional<Timing> parse_server_timing(std::string_view header);

}  // namespace parity::http
