#pragma once
// The demo service: the five styles mounted side by side under /{style}/..., and GET / listing
// them.

#include "common/demo/context.hpp"
#include "common/http/application.hpp"

#include <array>
#include <memory>
#include <string_view>

namespace parity::styles {

inline constexpr std::array<std::string_view, 5> kStyles{"sync", "callback", "future", "coroutine",
                                                         "threadpool"};

// `context` must outlive the application.
std::shared_ptr<http::Application> make_service(const demo::Context& context);

}  // namespace parity::styles
