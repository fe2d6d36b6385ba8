// Lesson 16: an event loop from scratch. The toy loop (toy_loop.hpp) runs its three queues once
// each, then serves /sleep?ms= to 100 clients at once on one thread, answers garbage and floods
// within its limits, and the same server runs on the project's loop. Last, what Asio adds.

#include "tutorials/16_a_loop_from_scratch/lesson.hpp"

#include "tutorials/16_a_loop_from_scratch/asio_sleep_server.hpp"
#include "tutorials/16_a_loop_from_scratch/sleep_client.hpp"
#include "tutorials/16_a_loop_from_scratch/sleep_server.hpp"
#include "tutorials/16_a_loop_from_scratch/toy_loop.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

namespace parity::tutorials {
namespace {

using namespace std::chrono_literals;

StepResult three_queues() {
  toy::Loop loop;
  std::vector<std::string> ran;
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_NONBLOCK | O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  const auto start = toy::Clock::now();
  std::vector<double> at_ms;  // when each line of `ran` was written, from the step's start
  auto note = [&](std::string what) {
    ran.push_back(std::move(what));
    at_ms.push_back(std::chrono::duration<double, std::milli>(toy::Clock::now() - start).count());
  };
  // [excerpt: three_queues]
  const auto loop_thread = std::this_thread::get_id();
  bool queued_elsewhere = false, on_loop_thread = false;
  std::thread([&] {
    queued_elsewhere = std::this_thread::get_id() != loop_thread;
    loop.add_callback([&] {
      on_loop_thread = std::this_thread::get_id() == loop_thread;
      note("add_callback, queued from another thread");
      [[maybe_unused]] auto sent = write(pipe_fds[1], "x", 1);
    });
  }).join();
  loop.call_later(300ms, [&] {
    note("timer C (300 ms)");
    loop.stop();
  });
  loop.call_later(100ms, [&] { note("timer A (100 ms)"); });
  auto b = loop.call_later(200ms, [&] { note("timer B (200 ms)"); });
  loop.remove_timeout(b);
  loop.add_handler(pipe_fds[0], toy::READ, [&](std::uint32_t) {
    char byte;
    [[maybe_unused]] auto got = read(pipe_fds[0], &byte, 1);
    note("the pipe's handler: readable");
    loop.remove_handler(pipe_fds[0]);
  });
  loop.run();  // this thread: the loop's
  // [/excerpt]
  close(pipe_fds[0]);
  close(pipe_fds[1]);
  const std::vector<std::string> expected{"add_callback, queued from another thread",
                                          "the pipe's handler: readable", "timer A (100 ms)",
                                          "timer C (300 ms)"};
  std::string text;
  for (std::size_t i = 0; i < ran.size(); ++i)
    text += fmt::format("  at {:4.0f} ms  {}\n", at_ms[i], ran[i]);
  auto at = [&](const std::string& what) {
    auto found = std::find(ran.begin(), ran.end(), what);
    return found == ran.end() ? -1.0 : at_ms[static_cast<std::size_t>(found - ran.begin())];
  };
  StepResult result;
  result.output = "what ran, in order (ms from the step's start):\n" + text +
                  "the callback was queued on another thread than the loop's: " +
                  (queued_elsewhere ? "yes\n" : "no\n") +
                  "the callback ran on the loop's thread: " + (on_loop_thread ? "yes\n" : "no\n");
  result.notice =
      "the ready queue ran first (the turn had work, so epoll_wait did not wait), the pipe's "
      "handler in the next turn, then the timers by deadline; B was removed and never ran.";
  result.figures["in_order"] = ran == expected ? 1 : 0;
  result.figures["b_ran"] = std::count(ran.begin(), ran.end(), "timer B (200 ms)");
  result.figures["callback_on_loop_thread"] = on_loop_thread ? 1 : 0;
  result.figures["queued_elsewhere"] = queued_elsewhere ? 1 : 0;
  result.figures["timer_a_ms"] = at("timer A (100 ms)");
  result.figures["timer_c_ms"] = at("timer C (300 ms)");
  result.figures["pipe_ms"] = at("the pipe's handler: readable");
  return result;
}

struct Served {
  int ok = 0;
  int peak = 0;
  std::size_t threads = 0;
  std::string first;  // the first answer's body
};

// 100 clients at once on one thread of this process, each asking for a 200 ms wait, against a
// server that holds every answer until all 100 waits are in flight (the barrier).
template <class RunServer>
Served hundred_at_once(RunServer& run) {
  Served served;
  toy::Clients clients(run.port());
  for (int i = 0; i < 100; ++i) clients.send(toy::get("/sleep?ms=200"));
  clients.wait(10s);
  for (std::size_t i = 0; i < clients.size(); ++i) {
    if (clients.answer(i).status == 200) ++served.ok;
    if (clients.answer(i).order == 1) {
      const auto& text = clients.answer(i).text;
      served.first = text.substr(text.find("\r\n\r\n") + 4);
    }
  }
  return served;
}

std::string served_text(const Served& served) {
  return fmt::format(
      "100 clients, each GET /sleep?ms=200, all at once:\n"
      "  answered 200: {}\n  the first answer: {}"
      "  waits in flight at once, at the most: {}\n  threads the server ran on: {}\n",
      served.ok, served.first, served.peak, served.threads);
}

// What a hundred-at-once step shows and the figures its test asserts, with the server's count
// of the waits it held together.
StepResult served_result(Served served, const toy::Waits& waits, std::string notice) {
  served.peak = waits.peak();
  served.threads = waits.threads();
  StepResult result;
  result.output = served_text(served);
  result.notice = std::move(notice);
  result.figures["answered_ok"] = served.ok;
  result.figures["peak_waiting"] = served.peak;
  result.figures["threads"] = static_cast<double>(served.threads);
  return result;
}

StepResult hundred_on_the_toy() {
  toy::Loop loop;
  toy::SleepServer<toy::Loop> server(loop, 100);
  std::thread thread([&] { loop.run(); });
  auto served = hundred_at_once(server);
  loop.stop();
  thread.join();
  return served_result(served, server.waits(),
                       "the server answers no one until all 100 waits are in flight together, so "
                       "100 answers prove that one thread held 100 waits at once: each was a timer "
                       "in the heap and a socket in epoll, not a thread asleep.");
}

struct Asked {
  std::size_t early_bytes = 0;  // what the server sent before the request
  int status = 0;
};

// Connects, listens 200 ms before sending anything, then sends `request` and reads the answer
// (5 s at most): when the server answers, at connect or once the request is read.
Asked connect_then_ask(int port, const std::string& request) {
  Asked asked;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return asked;
  }
  std::string text;
  char buffer[1024];
  auto read_for = [&](int ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline - std::chrono::steady_clock::now())
                      .count();
      pollfd p{fd, POLLIN, 0};
      if (left <= 0 || poll(&p, 1, static_cast<int>(left)) <= 0) return;
      auto got = recv(fd, buffer, sizeof buffer, 0);
      if (got <= 0) return;  // closed
      text.append(buffer, static_cast<std::size_t>(got));
    }
  };
  read_for(200);
  asked.early_bytes = text.size();
  [[maybe_unused]] auto sent = ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  read_for(5000);
  close(fd);
  if (text.starts_with("HTTP/1.1 ") && text.size() >= 12)
    asked.status = std::stoi(text.substr(9, 3));
  return asked;
}

StepResult limits_and_garbage() {
  toy::Loop loop;
  toy::SleepServer<toy::Loop> server(loop, 0, {.max_request = 4096, .max_clients = 2});
  std::thread thread([&] { loop.run(); });
  auto one = [&](std::string request) {
    toy::Clients clients(server.port());
    clients.send(std::move(request));
    clients.wait(5s);
    return clients.answer(0).status;
  };
  int garbage = one("HELLO\r\n\r\n");
  int nowhere = one(toy::get("/nowhere"));
  int too_long_a_wait = one(toy::get("/sleep?ms=99999"));
  // 4097 bytes and no blank line: one more than the cap, all read before the 431.
  int too_large = one(std::string(4097, 'x'));
  // Two clients that wait, then a third: one too many.
  toy::Clients waiting(server.port());
  waiting.send(toy::get("/sleep?ms=10000"));
  waiting.send(toy::get("/sleep?ms=10000"));
  waiting.wait(5s, [&] { return server.waits().now() == 2; });
  auto third = connect_then_ask(server.port(), toy::get("/sleep?ms=1"));
  loop.stop();
  thread.join();
  StepResult result;
  result.output = fmt::format(
      "HELLO                                  -> {}\n"
      "GET /nowhere                           -> {}\n"
      "GET /sleep?ms=99999 (the cap is 10 s)  -> {}\n"
      "4097 bytes, no end (the cap is 4096)   -> {}\n"
      "a third client while two wait (cap 2):\n"
      "  connected; bytes from the server in the next 200 ms, before it sent anything: {}\n"
      "  then its request                   -> {}\n",
      garbage, nowhere, too_long_a_wait, too_large, third.early_bytes, third.status);
  result.notice =
      "a toy still needs limits: each client costs a buffer and a socket, so both are capped, and "
      "what the parse cannot read is a 400, not a crash. The client one too many was accepted and "
      "told nothing until its request was read: the 503 came after the request, not at connect.";
  result.figures["garbage"] = garbage;
  result.figures["nowhere"] = nowhere;
  result.figures["too_long_a_wait"] = too_long_a_wait;
  result.figures["too_large"] = too_large;
  result.figures["one_too_many"] = third.status;
  result.figures["answered_before_request"] = static_cast<double>(third.early_bytes);
  return result;
}

StepResult hundred_on_io_context() {
  Loop loop;
  AsioSleepServer server(loop, 100);
  std::thread thread([&] { loop.run(); });
  auto served = hundred_at_once(server);
  loop.stop();
  thread.join();
  return served_result(served, server.waits(),
                       "the same callbacks on asio::io_context: async_read_some where the toy had "
                       "add_handler, Loop::call_later over a steady_timer where it had the heap. "
                       "io_context::run() is run_once in a loop, with epoll and a timer queue "
                       "inside.");
}

struct Addition {
  const char* name;
  const char* what;
  const char* header;
};

// [excerpt: additions]
const Addition kAdditions[] = {
    {"strands", "handlers of one connection never run at once, on a loop of N threads",
     "/usr/include/boost/asio/strand.hpp"},
    {"cancellation", "a pending wait or read stopped from outside, per operation",
     "/usr/include/boost/asio/cancellation_signal.hpp"},
    {"handler allocation", "a handler's memory recycled per thread, not a new std::function",
     "/usr/include/boost/asio/recycling_allocator.hpp"},
    {"completion tokens", "one async_* for callbacks, futures, co_await (async_result)",
     "/usr/include/boost/asio/async_result.hpp"},
    {"multi-threaded run", "io_context::run() on N threads, each taking the next ready handler",
     "/usr/include/boost/asio/io_context.hpp"},
};
// [/excerpt]

StepResult what_asio_adds() {
  std::string text;
  int found = 0;
  for (const auto& addition : kAdditions) {
    bool exists = std::filesystem::exists(addition.header);
    found += exists ? 1 : 0;
    text += fmt::format("  {:<19} {}\n  {:<19} {}{}\n", addition.name, addition.what, "",
                        addition.header, exists ? "" : " (not installed here)");
  }
  StepResult result;
  result.output = "what the toy lacks, and where Asio has it:\n" + text;
  result.notice =
      "the toy's loop is one thread, one std::function per callback and no way to stop a wait but "
      "remove_timeout; each line is what Asio does instead, in the header named.";
  result.figures["named"] = static_cast<double>(std::size(kAdditions));
  result.figures["headers_found"] = found;
  return result;
}

}  // namespace

Lesson loop_from_scratch_lesson() {
  return {.id = "16",
          .folder = "tutorials/16_a_loop_from_scratch",
          .title = "An event loop from scratch",
          .seeds = "none (under the hood)",
          .minutes = 20,
          .steps = {{"16.1", "the loop's three queues: sockets, timers, callbacks", three_queues},
                    {"16.2", "100 clients at once on one thread", hundred_on_the_toy},
                    {"16.3", "limits: garbage, floods and one client too many", limits_and_garbage},
                    {"16.4", "the same server on io_context", hundred_on_io_context},
                    {"16.5", "what Asio adds", what_asio_adds}}};
}

}  // namespace parity::tutorials
