#include "common/http/wire/arguments.hpp"

#include <boost/url/decode_view.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

#include <algorithm>

namespace parity::http {

std::string decode_percent(std::string_view text) {
  const std::string owned(text);  // ends where the view does: see parse_query
  auto checked = boost::urls::make_pct_string_view(owned);
  if (!checked) return owned;
  std::string out;
  out.reserve(checked->decoded_size());
  for (char c : **checked) out += c;
  return out;
}

namespace {

// A form field's name or value: '+' is a space, as params_view reads it below (a value read
// here, beside a stray '%', once kept its '+': `a=x+y&b=%` gave "x+y", `a=x+y` "x y").
std::string decode_form(std::string_view text) {
  std::string spaced(text);
  std::replace(spaced.begin(), spaced.end(), '+', ' ');
  return decode_percent(spaced);
}

}  // namespace

ArgumentList parse_query(std::string_view query) {
  ArgumentList list;
  // Boost 1.81's parse_query and params_view read their input as a C string, past the view's end
  // (ASan: a heap overflow in strlen; "json" came back "jsona" from a view into a longer buffer),
  // so they are given a copy that ends, NUL and all, where the query does.
  const std::string text(query);
  auto parsed = boost::urls::parse_query(text);
  if (!parsed) {
    // A stray '%' makes the whole string invalid for Boost.URL; fall back to splitting by hand so
    // that one bad field does not lose the others.
    std::size_t start = 0;
    while (start <= query.size()) {
      auto end = query.find('&', start);
      if (end == std::string_view::npos) end = query.size();
      auto field = query.substr(start, end - start);
      if (!field.empty()) {
        auto eq = field.find('=');
        list.emplace_back(decode_form(field.substr(0, eq)),
                          eq == std::string_view::npos ? "" : decode_form(field.substr(eq + 1)));
      }
      start = end + 1;
    }
    return list;
  }
  boost::urls::encoding_opts form_options;
  form_options.space_as_plus = true;
  // (Boost 1.81's library lacks params_view(params_view, opts); this constructor re-parses.)
  for (auto param : boost::urls::params_view(text, form_options)) {
    list.emplace_back(param.key, param.has_value ? param.value : std::string());
  }
  return list;
}

std::optional<std::string> last_value(const ArgumentList& list, std::string_view name) {
  for (auto it = list.rbegin(); it != list.rend(); ++it) {
    if (it->first == name) return it->second;
  }
  return std::nullopt;
}

std::vector<std::string> all_values(const ArgumentList& list, std::string_view name) {
  std::vector<std::string> values;
  for (const auto& [key, value] : list) {
    if (key == name) values.push_back(value);
  }
  return values;
}

}  // namespace parity::http
