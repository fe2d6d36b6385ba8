#include "common/http/web/http_error.hpp"

#include "common/http/wire/types.hpp"

namespace parity::http {

HttpError::HttpError(unsigned status, std::string reason)
    : std::runtime_error("HTTP " + std::to_string(status) + ": " +
                         (reason.empty() ? std::string(status_text(status)) : reason)),
      status_(status),
      reason_(std::move(reason)) {}

}  // namespace parity::http
