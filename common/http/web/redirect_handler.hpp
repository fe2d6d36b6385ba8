#pragma once
// Tornado's web.RedirectHandler: a route that answers every GET with a redirect.
//
//   app.add<RedirectHandler>("/old", "", "/new");                          // 301 to /new
//   app.add<RedirectHandler>(R"(/u/(?P<id>\w+))", "", "/users/{id}", false); // 302, a group
//
// `{name}` in the url is replaced by the route's group of that name, `{0}`, `{1}` by its groups
// in order, and the request's query string is kept, as Tornado's does.

#include "common/http/web/request_handler.hpp"

#include <string>

namespace parity::http {

class RedirectHandler : public RequestHandler {
 public:
  void initialize(std::string url, bool permanent = true);
  void get();

 private:
  std::string url_;
  bool permanent_ = true;
};

}  // namespace parity::http
