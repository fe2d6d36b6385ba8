#pragma once
// The five styles, each one file that defines the demo's handlers its way and mounts them under
// /{style}/ with demo::mount_endpoints (app/demo/routes.hpp). The demo service mounts all five.

#include "app/demo/context.hpp"
#include "common/http/web/application.hpp"

namespace parity::styles {

void mount_sync(http::Application& app, const demo::Context& context);
void mount_callback(http::Application& app, const demo::Context& context);
void mount_future(http::Application& app, const demo::Context& context);
void mount_coroutine(http::Application& app, const demo::Context& context);
void mount_threadpool(http::Application& app, const demo::Context& context);

}  // namespace parity::styles
