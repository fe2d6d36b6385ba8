#pragma once
// Request arguments as Tornado hands them out: path groups, query and form fields, each decoded.
// Percent-decoding and query parsing are Boost.URL's.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parity::http {

// The groups a route's pattern captured: all in order, and the named ones by name.
struct PathArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::string, std::less<>> named;
};

// Ordered name/value pairs; a name may repeat (`?tag=a&tag=b`).
using ArgumentList = std::vector<std::pair<std::string, std::string>>;

// Decodes %XX escapes; a malformed escape is left as it is.
std::string decode_percent(std::string_view text);

// Parses `a=1&b=x%20y` (a query string or an application/x-www-form-urlencoded body), with '+'
// read as a space as HTML forms send it.
ArgumentList parse_query(std::string_view query);

// The last value of `name`, as Tornado's get_argument returns.
std::optional<std::string> last_value(const ArgumentList& list, std::string_view name);
std::vector<std::string> all_values(const ArgumentList& list, std::string_view name);

}  // namespace parity::http
