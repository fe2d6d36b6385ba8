#include "app/demo/routes.hpp"

namespace parity::demo {

void mount_endpoints(http::Application& app, std::string_view style, const Context& context,
                     const Endpoints& endpoints) {
  struct Row {
    const Mount& mount;
    const char* name;  // the route's name is style.name, for reverse_url
    const char* path;  // under /style/
  };
  const Row rows[] = {
      {endpoints.hello, "hello", "hello"},
      {endpoints.fetch, "fetch", "fetch"},
      {endpoints.sleep, "sleep", "sleep"},
      {endpoints.chain, "chain", "chain"},
      {endpoints.parallel, "parallel", "parallel"},
      {endpoints.compute, "compute", "compute"},
      {endpoints.cmdb_search, "cmdb_search", R"(cmdb/search/(?P<pk>\w+))"},
      {endpoints.cmdb_import, "cmdb_import", R"(cmdb/import/(?P<pk>\w+))"},
      {endpoints.upload, "upload", "upload"},
      {endpoints.stream, "stream", "stream"},
  };
  const std::string s(style);
  for (const Row& row : rows)
    row.mount.add(app, "/" + s + "/" + row.path, s + "." + row.name, &context, s);
}

}  // namespace parity::demo
