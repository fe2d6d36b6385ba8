#pragma once
// The routing table, as in Tornado's Application: URL specs that are regular expressions matched
// against the whole path, with named groups (`/cmdb/import/(?P<pk>\w+)`) handed to the handler,
// optional route names for reverse_url, and one handler object made per request. It is what the
// server hands each request to (server/server_delegate.hpp): a path no route matches is answered
// 404 from here, by a route of the application's own.

#include "common/http/server/server_delegate.hpp"
#include "common/http/web/request_handler.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/core/demangle.hpp>
#include <boost/regex.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <unordered_map>
#include <vector>

namespace parity::http {

// Runs the HTTP method `method` of a handler made by the same route: nothing if the method
// was a plain function (it has returned), or the coroutine it returned, not yet started.
using MethodCall = std::optional<asio::awaitable<void>> (*)(RequestHandler& handler, verb method);

namespace detail {

template <class H, class Method>
std::optional<asio::awaitable<void>> call(H& handler, Method method) {
  using Result = std::invoke_result_t<Method, H&>;
  static_assert(std::is_void_v<Result> || std::is_same_v<Result, asio::awaitable<void>>,
                "a handler's get(), post(), ... returns void or asio::awaitable<void>");
  if constexpr (std::is_void_v<Result>) {
    std::invoke(method, handler);
    return std::nullopt;
  } else {
    return std::invoke(method, handler);
  }
}

// Each HTTP method a handler class may define, by its C++ name (delete is a keyword).
#define PARITY_HTTP_METHODS(X) \
  X(get, get)                  \
  X(head, head)                \
  X(post, post)                \
  X(put, put)                  \
  X(patch, patch)              \
  X(delete_, delete_)          \
  X(options, options)

template <class H>
std::optional<asio::awaitable<void>> call_method(RequestHandler& base, verb method) {
  H& handler = static_cast<H&>(base);
#define PARITY_CALL(name, verb_name)                                       \
  if constexpr (requires { &H::name; }) {                                  \
    if (method == verb::verb_name) return detail::call(handler, &H::name); \
  }
  PARITY_HTTP_METHODS(PARITY_CALL)
#undef PARITY_CALL
  throw HttpError(405);
}

}  // namespace detail

// The HTTP methods a handler class defines.
template <class H>
std::vector<verb> implemented_methods() {
  std::vector<verb> methods;
#define PARITY_LIST(name, verb_name) \
  if constexpr (requires { &H::name; }) methods.push_back(verb::verb_name);
  PARITY_HTTP_METHODS(PARITY_LIST)
#undef PARITY_LIST
  return methods;
}

template <class H>
constexpr bool defines_a_method() {
  bool any = false;
#define PARITY_ANY(name, verb_name) \
  any = any || requires {           \
    &H::name;                       \
  };
  PARITY_HTTP_METHODS(PARITY_ANY)
#undef PARITY_ANY
  return any;
}

struct Route {
  std::string pattern;  // as written, Tornado syntax
  std::string name;     // for reverse_url; may be empty
  std::vector<verb> methods;
  std::function<std::shared_ptr<RequestHandler>()> make_handler;
  MethodCall call_method = nullptr;
  bool asynchronous = false;  // the handler class finishes its requests itself
  std::string handler_name;   // the class, for log lines
  boost::regex regex;         // compiled from pattern, anchored at both ends
  std::vector<std::string> group_names;
  std::string literal_prefix;  // the pattern's leading plain text, a cheap first check
  bool literal = false;        // ... and all of it: the path must equal it
};

struct RouteMatch {
  const Route* route = nullptr;
  PathArgs args;
};

class Application : public ServerDelegate {
 public:
  // Adds a route whose handler is `Handler(args...)`, made anew for every request.
  // If Handler has an initialize(args...), as Tornado's, the handler is default-constructed
  // and then initialized with them.
  template <class Handler, class... Args>
  Application& add(std::string pattern, std::string name = {}, Args... args) {
    static_assert(std::is_base_of_v<RequestHandler, Handler>);
    static_assert(defines_a_method<Handler>(),
                  "a handler class defines get(), post(), ... (not virtual, no `override`)");
    Route route;
    route.pattern = std::move(pattern);
    route.name = std::move(name);
    route.methods = implemented_methods<Handler>();
    route.make_handler = [... args = std::move(args)]() -> std::shared_ptr<RequestHandler> {
      if constexpr (requires(Handler & h) { h.initialize(args...); }) {
        auto handler = std::make_shared<Handler>();
        handler->initialize(args...);
        return handler;
      } else {
        return std::make_shared<Handler>(args...);
      }
    };
    route.call_method = &detail::call_method<Handler>;
    route.asynchronous = Handler::asynchronous;
    route.handler_name = boost::core::demangle(typeid(Handler).name());
    add_route(std::move(route));
    return *this;
  }

  // The first route whose pattern matches the whole `path` (no query), with its groups.
  std::optional<RouteMatch> match(std::string_view path) const;

  // The path of the route called `name` with its groups filled by `args`, in order, each
  // percent-encoded. Throws std::invalid_argument for an unknown name or a wrong count.
  std::string reverse_url(std::string_view name, const std::vector<std::string>& args = {}) const;

  const std::vector<Route>& routes() const { return routes_; }

  // ---- ServerDelegate: what the server calls (default_headers comes from it too) -------------
  // Finds the request's route (the 404 route if none matches), makes its handler and runs it.
  std::shared_ptr<ActiveRequest> start_request(std::shared_ptr<ResponseWriter> writer,
                                               std::uint64_t exchange, Request request,
                                               Clock::time_point start) const override;

 private:
  void add_route(Route route);
  std::vector<Route> routes_;
  // Found in one lookup rather than a walk of every route (the demo has 60): the first plain-text
  // route of each path, and the routes with a pattern, in order.
  // A pattern route added before a path's plain-text route still comes first, as in Tornado.
  struct TransparentHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  std::unordered_map<std::string, std::size_t, TransparentHash, std::equal_to<>> literal_routes_;
  std::vector<std::size_t> pattern_routes_;
};

}  // namespace parity::http
