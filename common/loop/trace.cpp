#include "common/loop/trace.hpp"

#include "common/log/log.hpp"
#include "common/loop/work_scope.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <stdexcept>

namespace parity::watch {

std::atomic<Trace*> Trace::current_{nullptr};

namespace {

// Which recording this thread's track number belongs to: a thread keeps its number per trace.
std::atomic<std::uint64_t> generations{0};
struct Track {
  std::uint64_t generation = 0;
  int number = 0;
};
thread_local Track this_thread_track_of;

void append_escaped(std::string& out, std::string_view text) {
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += fmt::format("\\u{:04x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
}

}  // namespace

std::atomic<bool> tracing{false};

void trace_piece(const Label* label, std::chrono::steady_clock::time_point start) noexcept {
  try {
    if (auto* trace = Trace::current()) trace->slice(label, start, Trace::Clock::now());
  } catch (...) {  // a trace that cannot grow loses a slice; the work goes on
  }
}

void trace_request(const Label& label, std::chrono::steady_clock::time_point start) noexcept {
  try {
    if (auto* trace = Trace::current()) trace->request(label, start, Trace::Clock::now());
  } catch (...) {
  }
}

Trace::Trace(std::string path, std::size_t max_events)
    : path_(std::move(path)), max_events_(max_events) {
  // Fail now, not at the end of a long run.
  if (std::FILE* file = std::fopen(path_.c_str(), "w")) {
    std::fclose(file);
  } else {
    throw std::runtime_error("cannot write the trace to " + path_);
  }
  generation_ = ++generations;
  Trace* none = nullptr;
  if (!current_.compare_exchange_strong(none, this))
    throw std::logic_error("a trace is already recording");
  tracing.store(true, std::memory_order_relaxed);
}

Trace::~Trace() {
  tracing.store(false, std::memory_order_relaxed);
  current_.store(nullptr, std::memory_order_release);
  std::string text;
  {
    std::lock_guard lock(mutex_);
    text = "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[";
    text += events_;
    if (full_) {
      if (!events_.empty()) text += ',';
      text += fmt::format(
          "{{\"ph\":\"i\",\"s\":\"g\",\"name\":\"the trace stopped here: {} events\","
          "\"pid\":1,\"tid\":0,\"ts\":{:.3f}}}",
          max_events_, micros(Clock::now()));
    }
    text += "]}\n";
  }
  if (std::FILE* file = std::fopen(path_.c_str(), "w")) {
    std::fwrite(text.data(), 1, text.size(), file);
    std::fclose(file);
    log::info("trace", "wrote {} events to {}: open it at https://ui.perfetto.dev", count_, path_);
  } else {
    log::error("trace", "could not write the trace to {}", path_);
  }
}

std::size_t Trace::events() const {
  std::lock_guard lock(mutex_);
  return count_;
}

double Trace::micros(Clock::time_point t) const {
  return std::chrono::duration<double, std::micro>(t - start_).count();
}

bool Trace::room() {
  if (count_ < max_events_) return true;
  if (!full_) {
    full_ = true;
    log::warning("trace", "the trace holds {} events, its most: it stops recording here",
                 max_events_);
  }
  return false;
}

int Trace::this_thread_track() {
  auto& track = this_thread_track_of;
  if (track.generation != generation_) {
    track = {generation_, next_track_++};
    // Named as it first records: a loop's thread after its loop, any other after the only work
    // recorded off a loop (run_in_executor's).
    if (const auto* slot = this_thread_slot)
      append_thread_name(track.number, fmt::format("{} thread {}", slot->loop_name, slot->index));
    else
      append_thread_name(track.number, "pool thread");
  }
  return track.number;
}

void Trace::append_thread_name(int track, std::string_view name) {
  if (count_ > 0) events_ += ',';
  events_ += fmt::format(
      "{{\"ph\":\"M\",\"pid\":1,\"tid\":{},\"name\":\"thread_name\",\"args\":{{\"name\":\"", track);
  append_escaped(events_, name);
  events_ += "\"}}";
  ++count_;
}

void Trace::append_name(const Label* label) {
  if (!label) {
    events_ += "loop work";
    return;
  }
  append_escaped(events_, label->what);
  if (!label->target.empty()) {
    events_ += ' ';
    append_escaped(events_, label->target);
  }
}

void Trace::slice(const Label* label, Clock::time_point start, Clock::time_point end) {
  std::lock_guard lock(mutex_);
  if (!room()) return;
  int track = this_thread_track();
  if (count_ > 0) events_ += ',';
  events_ += "{\"ph\":\"X\",\"pid\":1,\"name\":\"";
  append_name(label);
  events_ += fmt::format("\",\"tid\":{},\"ts\":{:.3f},\"dur\":{:.3f}}}", track, micros(start),
                         std::chrono::duration<double, std::micro>(end - start).count());
  ++count_;
}

void Trace::request(const Label& label, Clock::time_point start, Clock::time_point end) {
  std::lock_guard lock(mutex_);
  if (!room()) return;
  auto id = next_request_++;
  for (int edge = 0; edge < 2; ++edge) {
    if (count_ > 0 || edge > 0) events_ += ',';
    events_ +=
        fmt::format("{{\"ph\":\"{}\",\"cat\":\"request\",\"id\":{},\"pid\":1,\"tid\":0,\"name\":\"",
                    edge == 0 ? "b" : "e", id);
    append_name(&label);
    events_ += fmt::format("\",\"ts\":{:.3f}}}", micros(edge == 0 ? start : end));
  }
  ++count_;
}

}  // namespace parity::watch
