#pragma once
// Fixed-point numbers written by hand: "100.120" from 100120 and 3 decimals. What fmt's
// "{}.{:03}" prints, without a format spec parsed or applied, into a char array: the access line
// and the Server-Timing header write four of them on every request, where fmt's spec and its
// buffer's appends cost more than the digits (bench/README.md has the figure).

#include <cstddef>
#include <cstring>

namespace parity::text {

// The most characters write_decimal writes: a sign, 19 digits and the point.
inline constexpr std::size_t kMaxDecimal = 21;

// Writes `scaled` / 10^`decimals` (decimals from 1 to 9) with exactly `decimals` digits after
// the point at `out`; returns the end of what it wrote. Two digits at a time from a table, as
// fmt's own integer writer does.
inline char* write_decimal(char* out, long long scaled, int decimals) {
  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  unsigned long long value = static_cast<unsigned long long>(scaled);
  if (scaled < 0) {
    *out++ = '-';
    value = 0ULL - value;
  }
  char digits[24];
  char* end = digits + sizeof(digits);
  char* at = end;
  int fraction = decimals;
  // Written from the last digit back; the point goes in once `decimals` digits are out.
  do {
    if (fraction >= 2 || (fraction <= 0 && value >= 10)) {
      const char* pair = kPairs + 2 * (value % 100);
      *--at = pair[1];
      *--at = pair[0];
      value /= 100;
      fraction -= 2;
    } else {
      *--at = static_cast<char>('0' + value % 10);
      value /= 10;
      fraction -= 1;
    }
    if (fraction == 0) *--at = '.';
  } while (fraction > 0 || value != 0);
  if (*at == '.') *--at = '0';  // 0.123, not .123
  std::memcpy(out, at, static_cast<std::size_t>(end - at));
  return out + (end - at);
}

// Copies the literal `text`, without its NUL, to `out`; returns the end. Its size is known when
// compiling, so the copy is a move or two.
template <std::size_t N>
char* write_text(char* out, const char (&text)[N]) {
  std::memcpy(out, text, N - 1);
  return out + N - 1;
}

}  // namespace parity::text
