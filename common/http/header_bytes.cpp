#include "common/http/header_bytes.hpp"

#include <boost/beast/core/buffer_traits.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/http/fields.hpp>

namespace parity::http {
namespace {

// Beast's Fields writer (what `os << header` uses), copied into a string without a stream.
std::string copy_out(const bhttp::fields::writer::const_buffers_type& buffers) {
  std::string bytes;
  bytes.reserve(beast::buffer_bytes(buffers));
  for (auto buffer : beast::buffers_range_ref(buffers))
    bytes.append(static_cast<const char*>(buffer.data()), buffer.size());
  return bytes;
}

}  // namespace

std::string header_bytes(const Request::header_type& header) {
  bhttp::fields::writer writer(header, header.version(), header.method());
  return copy_out(writer.get());  // a view into `writer`, which outlives the copy
}

std::string header_bytes(const Response::header_type& header) {
  bhttp::fields::writer writer(header, header.version(), header.result_int());
  return copy_out(writer.get());
}

}  // namespace parity::http
