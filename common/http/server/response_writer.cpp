#include "common/http/server/response_writer.hpp"

namespace parity::http {

std::vector<DefaultHeader> resolve_headers(
    const std::vector<std::pair<std::string, std::string>>& headers) {
  std::vector<DefaultHeader> resolved;
  resolved.reserve(headers.size());
  for (const auto& [name, value] : headers)
    resolved.push_back({bhttp::string_to_field(name), name, value});
  return resolved;
}

void set_headers(Response& response, const std::vector<DefaultHeader>& headers) {
  for (const auto& header : headers) {
    if (header.name == field::unknown)
      response.set(header.text, header.value);
    else
      response.set(header.name, header.value);
  }
}

}  // namespace parity::http
