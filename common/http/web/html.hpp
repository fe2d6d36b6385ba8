#pragma once
// escape_html: the one way text goes into an HTML page (the index, the "Time Cost" page,
// report.html), so that a route pattern such as `(?P<pk>\w+)` shows as written instead of being
// taken for a tag, and nothing a client sent can become markup.

#include <string>
#include <string_view>

namespace parity::http {

// `<`, `>`, `&`, `"` and `'` as character references; everything else as it is.
std::string escape_html(std::string_view text);

}  // namespace parity::http
