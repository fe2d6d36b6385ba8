#include "common/http/wire/server_timing.hpp"

#include "common/text/decimal.hpp"

#include <charconv>

namespace parity::http {

namespace {

using std::chrono::microseconds;

long long us(Timing::duration d) {
  return std::chrono::duration_cast<microseconds>(d).count();
}

// "12.345" (milliseconds) as microseconds.
std::optional<long long> parse_ms(std::string_view& text) {
  long long whole = 0, fraction = 0;
  auto [dot, ec] = std::from_chars(text.data(), text.data() + text.size(), whole);
  if (ec != std::errc() || dot == text.data() + text.size() || *dot != '.') return std::nullopt;
  const char* end = text.data() + text.size();
  auto [after, ec2] = std::from_chars(dot + 1, end, fraction);
  if (ec2 != std::errc() || after - dot != 4) return std::nullopt;  // three digits
  text.remove_prefix(static_cast<std::size_t>(after - text.data()));
  return whole * 1000 + fraction;
}

}  // namespace

char* write_server_timing(char* out, const Timing& t) {
  out = text::write_decimal(text::write_text(out, "loop;dur="), us(t.loop), 3);
  out = text::write_decimal(text::write_text(out, ", wait;dur="), us(t.wait), 3);
  out = text::write_decimal(text::write_text(out, ", pool;dur="), us(t.pool), 3);
  return text::write_decimal(text::write_text(out, ", total;dur="), us(t.total), 3);
}

std::string format_server_timing(const Timing& timing) {
  char text[kServerTimingSize];
  return std::string(text, write_server_timing(text, timing));
}

std::optional<Timing> parse_server_timing(std::string_view header) {
  Timing timing{};
  Timing::duration* parts[] = {&timing.loop, &timing.wait, &timing.pool, &timing.total};
  const char* names[] = {"loop;dur=", "wait;dur=", "pool;dur=", "total;dur="};
  for (int i = 0; i < 4; ++i) {
    if (i > 0) {
      if (header.substr(0, 2) != ", ") return std::nullopt;
      header.remove_prefix(2);
    }
    std::string_view name = names[i];
    if (header.substr(0, name.size()) != name) return std::nullopt;
    header.remove_prefix(name.size());
    auto value = parse_ms(header);
    if (!value) return std::nullopt;
    *parts[i] = microseconds(*value);
  }
  if (!header.empty()) return std::nullopt;
  return timing;
}

}  // namespace parity::http
