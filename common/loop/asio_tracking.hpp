#pragma once
// Asio's handler-tracking hooks, pointed at Parity's: every translation unit that includes Asio
// is compiled with BOOST_ASIO_CUSTOM_HANDLER_TRACKING naming this file (common/CMakeLists.txt),
// so that each completion handler Asio runs, on any thread, opens a WorkScope for its duration.
// That is how the blocking log knows when a loop thread is busy and for how long, without a
// timer per handler. All hooks but one compile to nothing.

#include "common/loop/work_scope.hpp"

#define BOOST_ASIO_INHERIT_TRACKED_HANDLER
#define BOOST_ASIO_ALSO_INHERIT_TRACKED_HANDLER
#define BOOST_ASIO_HANDLER_TRACKING_INIT (void)0
#define BOOST_ASIO_HANDLER_LOCATION(args) (void)0
#define BOOST_ASIO_HANDLER_CREATION(args) (void)0
// Opened where Asio starts completing a handler and closed as that function returns, also when
// the handler throws: an object, not a begin/end pair.
#define BOOST_ASIO_HANDLER_COMPLETION(args) ::parity::watch::WorkScope parity_work_scope_
#define BOOST_ASIO_HANDLER_INVOCATION_BEGIN(args) (void)0
#define BOOST_ASIO_HANDLER_INVOCATION_END (void)0
#define BOOST_ASIO_HANDLER_OPERATION(args) (void)0
#define BOOST_ASIO_HANDLER_REACTOR_REGISTRATION(args) (void)0
#define BOOST_ASIO_HANDLER_REACTOR_DEREGISTRATION(args) (void)0
#define BOOST_ASIO_HANDLER_REACTOR_READ_EVENT 1
#define BOOST_ASIO_HANDLER_REACTOR_WRITE_EVENT 2
#define BOOST_ASIO_HANDLER_REACTOR_ERROR_EVENT 4
#define BOOST_ASIO_HANDLER_REACTOR_EVENTS(args) (void)0
#define BOOST_ASIO_HANDLER_REACTOR_OPERATION(args) (void)0
