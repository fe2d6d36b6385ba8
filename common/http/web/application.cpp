#include "common/http/web/application.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/rfc/pchars.hpp>

#include <algorithm>
#include <stdexcept>

namespace parity::http {
namespace {

// Tornado writes named groups Python's way, `(?P<name>...)`; Boost.Regex spells them
// `(?<name>...)`.
std::string to_boost_syntax(std::string_view pattern) {
  std::string out;
  out.reserve(pattern.size());
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern.substr(i, 4) == "(?P<") {
      out += "(?<";
      i += 3;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

// The names of a pattern's named groups, `(?P<name>` or `(?<name>`.
std::vector<std::string> group_names(std::string_view pattern) {
  std::vector<std::string> names;
  for (std::size_t at = pattern.find("(?"); at != std::string_view::npos;
       at = pattern.find("(?", at + 2)) {
    std::size_t start = at + 2;
    if (pattern.substr(start, 1) == "P") ++start;
    if (pattern.substr(start, 1) != "<" || pattern.substr(start + 1, 1) == "=" ||
        pattern.substr(start + 1, 1) == "!")
      continue;
    auto end = pattern.find('>', start);
    if (end != std::string_view::npos)
      names.emplace_back(pattern.substr(start + 1, end - start - 1));
  }
  return names;
}

bool is_regex_special(char c) {
  return std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos;
}

// The plain text a pattern starts with: every matching path starts with it.
std::string literal_prefix(std::string_view pattern) {
  std::string prefix;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size() && pattern[i + 1] == '.') {
      prefix += '.';
      ++i;
    } else if (is_regex_special(c)) {
      // A quantifier applies to the character before it, which then is not certain.
      if ((c == '?' || c == '*' || c == '{') && !prefix.empty()) prefix.pop_back();
      break;
    } else {
      prefix += c;
    }
  }
  return prefix;
}

// Answers 404 for a path no route matches, through the usual lifecycle (so write_error and the
// access log apply).
class NotFoundHandler final : public RequestHandler {
 public:
  void prepare() override { throw HttpError(404, "no route matches " + std::string(path())); }
};

// The route of a path that no route matches: every method is allowed, prepare() answers.
const Route& not_found_route() {
  static const Route route = [] {
    Route r;
    r.name = "not_found";
    r.methods = {verb::get,   verb::head,    verb::post,    verb::put,
                 verb::patch, verb::delete_, verb::options, verb::unknown};
    r.make_handler = [] { return std::make_shared<NotFoundHandler>(); };
    return r;
  }();
  return route;
}

}  // namespace

std::shared_ptr<ActiveRequest> Application::start_request(std::shared_ptr<ResponseWriter> writer,
                                                          std::uint64_t exchange, Request request,
                                                          Clock::time_point start) const {
  std::string_view target = request.target();
  auto match = this->match(target.substr(0, target.find('?')));
  const Route& route = match ? *match->route : not_found_route();
  auto handler = route.make_handler();
  handler->execute(std::move(writer), exchange, std::move(request),
                   match ? std::move(match->args) : PathArgs{}, route, *this, start);
  return handler;
}

void Application::add_route(Route route) {
  std::string anchored = route.pattern;
  if (anchored.empty() || anchored.front() != '^') anchored.insert(0, "^");
  if (anchored.back() != '$') anchored += '$';
  route.regex = boost::regex(to_boost_syntax(anchored));
  route.group_names = group_names(anchored);
  route.literal_prefix = literal_prefix(anchored.substr(1));
  // Plain text from ^ to $: the prefix took in every character but the anchors and an escaped
  // dot's backslash. A comparison then says it all.
  route.literal = route.literal_prefix.size() ==
                  anchored.size() - 2 -
                      static_cast<std::size_t>(std::count(anchored.begin(), anchored.end(), '\\'));
  if (route.literal)
    literal_routes_.try_emplace(route.literal_prefix, routes_.size());  // the first one wins
  else
    pattern_routes_.push_back(routes_.size());
  routes_.push_back(std::move(route));
}

std::optional<RouteMatch> Application::match(std::string_view path) const {
  auto literal = literal_routes_.find(path);
  const std::size_t before = literal == literal_routes_.end() ? routes_.size() : literal->second;
  for (std::size_t index : pattern_routes_) {
    if (index > before) break;
    const Route& route = routes_[index];
    if (!path.starts_with(route.literal_prefix)) continue;
    boost::match_results<std::string_view::const_iterator> groups;
    if (!boost::regex_match(path.begin(), path.end(), groups, route.regex)) continue;
    RouteMatch found{.route = &route, .args = {}};
    for (std::size_t i = 1; i < groups.size(); ++i) {
      found.args.positional.push_back(decode_percent(groups.str(i)));
    }
    for (const std::string& group_name : route.group_names) {
      found.args.named.emplace(group_name, decode_percent(groups[group_name].str()));
    }
    return found;
  }
  if (literal == literal_routes_.end()) return std::nullopt;
  // Plain text: matched by the lookup, without the regex (bench/README.md has what it costs).
  return RouteMatch{.route = &routes_[literal->second], .args = {}};
}

std::string Application::reverse_url(std::string_view name,
                                     const std::vector<std::string>& args) const {
  for (const Route& route : routes_) {
    if (route.name != name) continue;
    std::string_view pattern = route.pattern;
    if (pattern.starts_with('^')) pattern.remove_prefix(1);
    if (pattern.ends_with('$')) pattern.remove_suffix(1);
    std::string url;
    std::size_t next_arg = 0;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      char c = pattern[i];
      if (c == '\\' && i + 1 < pattern.size()) {
        url += pattern[++i];
      } else if (c == '(') {
        // Replace the whole group, nested parentheses included, by the next argument.
        int depth = 1;
        while (depth > 0 && ++i < pattern.size()) {
          if (pattern[i] == '\\')
            ++i;
          else if (pattern[i] == '(')
            ++depth;
          else if (pattern[i] == ')')
            --depth;
        }
        if (next_arg >= args.size()) {
          throw std::invalid_argument("reverse_url('" + std::string(name) +
                                      "'): too few arguments");
        }
        url += boost::urls::encode(args[next_arg++], boost::urls::pchars);
      } else if (is_regex_special(c)) {
        throw std::invalid_argument("reverse_url('" + std::string(name) +
                                    "'): the pattern is not reversible");
      } else {
        url += c;
      }
    }
    if (next_arg != args.size()) {
      throw std::invalid_argument("reverse_url('" + std::string(name) + "'): too many arguments");
    }
    return url;
  }
  throw std::invalid_argument("reverse_url: no route named '" + std::string(name) + "'");
}

}  // namespace parity::http
