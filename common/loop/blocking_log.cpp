// Linked against Boost.Stacktrace's libbacktrace backend (function names, files and lines from
// the program's own debug information, in process). Alone in its translation unit: the macro
// must come before Boost.Stacktrace's headers, and no other file includes them.
#define BOOST_STACKTRACE_LINK
#include "common/loop/blocking_log.hpp"

#include "common/log/log.hpp"

#include <boost/stacktrace/frame.hpp>
#include <boost/stacktrace/safe_dump_to.hpp>

#include <fmt/format.h>

#include <pthread.h>
#include <signal.h>
#include <ucontext.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>

namespace parity::watch {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// What the signal handler leaves for the watchdog, in fixed storage: it may not allocate.
struct Capture {
  std::array<void*, 64> frames{};
  std::size_t frame_count = 0;
  void* interrupted_at = nullptr;  // the instruction the signal interrupted
  const Label* label_at_catch = nullptr;
  std::array<char, 600> label{};  // "GET /sync/fetch (route /sync/fetch, FetchHandler)"
};

enum : int { kNone = 0, kCaught = 1, kEnded = 2 };

int stack_signal() {
  return SIGRTMIN + 4;
}

}  // namespace

struct BlockingLog::Watch::Registered : ThreadSlot {
  pthread_t thread = pthread_self();
  unsigned index = 0;
  Watchdog* dog = nullptr;
  // Asked by the watchdog, answered by the signal handler on this thread.
  std::atomic<std::uint64_t> wanted{0};
  std::atomic<int> answer{kNone};
  Capture capture;
  // The watchdog's own view, under its mutex.
  std::uint64_t seen = 0;   // the count at the last look
  Clock::time_point since;  // when `seen` was first seen
  bool caught = false;      // this piece's stack is in `stack`
  bool told_still = false;  // "still blocked" was written for this piece
  std::string what;
  std::shared_ptr<const Capture> caught_stack;
  const Label* last_told = nullptr;  // once per request: a second piece of it is not told
  std::string last_told_what;
};

namespace {

// Copies what the views say into `out`, NUL-terminated; only what a signal handler may call.
void copy_label(const Label* label, std::array<char, 600>& out) {
  std::size_t at = 0;
  auto put = [&](std::string_view text) {
    std::size_t n = std::min(text.size(), out.size() - 1 - at);
    std::memcpy(out.data() + at, text.data(), n);
    at += n;
  };
  if (label) {
    put(label->what);
    if (!label->target.empty()) {
      put(" ");
      put(label->target);
    }
    if (!label->route.empty()) {
      put(" (route ");
      put(label->route);
      if (!label->handler.empty()) {
        put(", ");
        put(label->handler);
      }
      put(")");
    }
  }
  out[at] = '\0';
}

void on_stack_signal(int, siginfo_t*, void* context) {
  int saved_errno = errno;
  auto* slot = static_cast<BlockingLog::Watch::Registered*>(this_thread_slot);
  if (slot) {
    if (slot->pieces.load(std::memory_order_relaxed) !=
        slot->wanted.load(std::memory_order_acquire)) {
      slot->answer.store(kEnded, std::memory_order_release);  // that piece is over
    } else {
      auto& capture = slot->capture;
#if defined(__x86_64__)
      capture.interrupted_at =
          reinterpret_cast<void*>(static_cast<ucontext_t*>(context)->uc_mcontext.gregs[REG_RIP]);
#else
      (void)context;
      capture.interrupted_at = nullptr;
#endif
      capture.frame_count =
          boost::stacktrace::safe_dump_to(0, capture.frames.data(), sizeof(capture.frames));
      capture.label_at_catch = slot->label.load(std::memory_order_relaxed);
      copy_label(capture.label_at_catch, capture.label);
      slot->answer.store(kCaught, std::memory_order_release);
    }
  }
  errno = saved_errno;
}

void install_signal_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Warm the unwinder up here: its first use loads libgcc's unwinder, which a signal handler
    // must not be the first to do.
    std::array<void*, 4> warm{};
    boost::stacktrace::safe_dump_to(0, warm.data(), sizeof(warm));
    struct sigaction action {};
    action.sa_sigaction = on_stack_signal;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaction(stack_signal(), &action, nullptr);
  });
}

// Frames of the loop's own machinery: folded into one line, so that the stack shows the code
// that blocked and little else.
bool is_machinery(std::string_view name) {
  static constexpr std::string_view prefixes[] = {"boost::asio::",
                                                  "boost::beast::",
                                                  "boost::stacktrace::",
                                                  "parity::watch::",
                                                  "parity::Loop::",
                                                  "parity::http::Session::",
                                                  "parity::http::RequestHandler::",
                                                  "parity::http::detail::",
                                                  "parity::http::Route",
                                                  "std::",
                                                  "start_thread",
                                                  "clone",
                                                  "__clone",
                                                  "main",
                                                  "__libc_start",
                                                  "_start",
                                                  "on_stack_signal",
                                                  "parity::http::(anonymous"};
  if (name.empty()) return true;
  // A function template's name begins with its return type: "void parity::watch::...".
  if (name.starts_with("void ")) name.remove_prefix(5);
  for (auto prefix : prefixes)
    if (name.substr(0, prefix.size()) == prefix) return true;
  return false;
}

// A frame's name as a reader wants it: no "(anonymous namespace)::", no compiler's clone suffix,
// and the parameter list shown as "(...)" (a coroutine's is its frame's mangled type).
std::string readable(std::string name) {
  static constexpr std::string_view anonymous = "(anonymous namespace)::";
  for (auto at = name.find(anonymous); at != std::string::npos; at = name.find(anonymous, at))
    name.erase(at, anonymous.size());
  if (auto clone = name.find(" [clone "); clone != std::string::npos) name.erase(clone);
  if (auto open = name.find('('); open != std::string::npos && name.back() == ')')
    name = name.substr(0, open) + (open + 2 == name.size() ? "()" : "(...)");
  if (name.size() > 160) name = name.substr(0, 157) + "...";
  return name;
}

std::string short_path(std::string file) {
#ifdef PARITY_SOURCE_DIR
  std::string_view root = PARITY_SOURCE_DIR "/";
  if (file.compare(0, root.size(), root) == 0) file.erase(0, root.size());
#endif
  return file;
}

// The captured frames, named, from the interrupted one on, the machinery folded.
std::string describe_stack(const Capture& capture) {
  std::size_t first = 0;
  // The first frames are the signal handler's own: the interrupted instruction starts the stack.
  for (std::size_t i = 0; i < capture.frame_count; ++i) {
    auto at = reinterpret_cast<std::uintptr_t>(capture.frames[i]);
    auto pc = reinterpret_cast<std::uintptr_t>(capture.interrupted_at);
    if (pc != 0 && at + 16 >= pc && at <= pc + 16) {
      first = i;
      break;
    }
  }
  std::string out;
  std::size_t folded = 0, shown = 0;
  auto flush_folded = [&] {
    if (folded > 0)
      out += fmt::format("      ... {} frame{} of Asio and Parity's loop\n", folded,
                         folded == 1 ? "" : "s");
    folded = 0;
  };
  for (std::size_t i = first; i < capture.frame_count && shown < 12; ++i) {
    boost::stacktrace::frame frame(capture.frames[i]);
    std::string name = frame.name();
    if (is_machinery(name) && i != first) {
      ++folded;
      continue;
    }
    flush_folded();
    name = readable(std::move(name));
    if (name.empty()) name = fmt::format("{}", capture.frames[i]);
    std::string file = frame.source_file();
    std::size_t line = frame.source_line();
    out += file.empty() || line == 0
               ? fmt::format("    #{} {}\n", shown, name)
               : fmt::format("    #{} {} at {}:{}\n", shown, name, short_path(file), line);
    ++shown;
  }
  flush_folded();
  return out;
}

// Names frames and writes the warnings, on a thread of its own, for the whole process: naming
// the first frame reads the program's debug information (a few hundred milliseconds), which the
// watchdog must not wait for while other threads may be blocking; after that it is quick.
class Namer {
 public:
  static Namer& instance() {
    static Namer namer;
    return namer;
  }
  void post(std::function<void()> job) {
    {
      std::lock_guard lock(mutex_);
      jobs_.push_back(std::move(job));
      ++posted_;
    }
    wake_.notify_all();
  }
  // Returns once every job posted before the call has run.
  void drain() {
    std::unique_lock lock(mutex_);
    auto until = posted_;
    wake_.wait(lock, [&] { return done_ >= until; });
  }

 private:
  Namer() {
    post([] { boost::stacktrace::frame(reinterpret_cast<void*>(&on_stack_signal)).name(); });
    thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
  }
  void run(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    while (!stop.stop_requested()) {
      if (!wake_.wait(lock, stop, [&] { return !jobs_.empty(); })) break;
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
      lock.lock();
      ++done_;
      wake_.notify_all();
    }
  }
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::deque<std::function<void()>> jobs_;
  std::uint64_t posted_ = 0, done_ = 0;
  std::jthread thread_;
};

}  // namespace

struct BlockingLog::Watchdog {
  milliseconds threshold;
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::list<Watch::Registered*> watched;
  // Rate limit: at most kBurst warnings per kWindow; the rest are counted, then summed up.
  static constexpr int kBurst = 10;
  static constexpr auto kWindow = std::chrono::seconds(10);
  Clock::time_point window_start = Clock::now();
  int told_in_window = 0;
  int untold_in_window = 0;
  std::jthread thread;

  explicit Watchdog(milliseconds t) : threshold(t) {
    thread = std::jthread([this] { run(); });
  }
  ~Watchdog() {
    {
      std::lock_guard lock(mutex);
      stopping = true;
      sum_up(Clock::now(), /*last=*/true);  // what the window had not told yet
    }
    wake.notify_all();
  }

  // Looks four times per threshold: a piece is caught between 1 and 1.25 thresholds in.
  milliseconds period() const { return std::max(milliseconds(1), threshold / 4); }

  void run() {
    std::unique_lock lock(mutex);
    while (!stopping) {
      wake.wait_for(lock, period());
      if (stopping) break;
      auto now = Clock::now();
      for (auto* slot : watched) look_at(*slot, now);
      sum_up(now);
    }
  }

  void look_at(Watch::Registered& slot, Clock::time_point now) {
    auto pieces = slot.pieces.load(std::memory_order_acquire);
    if (pieces != slot.seen) {
      if (slot.caught) tell(slot, now - slot.since, /*still=*/false);
      slot.seen = pieces;
      slot.since = now;
      slot.caught = slot.told_still = false;
      return;
    }
    if (pieces % 2 == 0) return;  // idle: waiting for events is not blocking
    if (!slot.caught && now - slot.since >= threshold) catch_stack(slot);
    if (slot.caught && !slot.told_still && now - slot.since >= 10 * threshold) {
      tell(slot, now - slot.since, /*still=*/true);
      slot.told_still = true;
    }
  }

  // Holds the mutex throughout, so that the thread cannot stop being watched meanwhile.
  void catch_stack(Watch::Registered& slot) {
    slot.answer.store(kNone, std::memory_order_relaxed);
    slot.wanted.store(slot.seen, std::memory_order_release);
    if (pthread_kill(slot.thread, stack_signal()) != 0) return;
    // The handler answers at once on a thread that is running or asleep; give up after a second
    // (a thread stopped in a debugger), and look again next time.
    for (int i = 0; i < 1000 && slot.answer.load(std::memory_order_acquire) == kNone; ++i)
      std::this_thread::sleep_for(milliseconds(1));
    if (slot.answer.load(std::memory_order_acquire) != kCaught) return;
    slot.what = slot.capture.label[0] ? slot.capture.label.data() : "a callback with no name";
    slot.caught_stack = std::make_shared<Capture>(slot.capture);  // named later, by the Namer
    slot.caught = true;
  }

  void tell(Watch::Registered& slot, Clock::duration held, bool still) {
    auto ms = std::chrono::duration_cast<milliseconds>(held).count();
    if (!still && slot.told_still) {
      Namer::instance().post([what = slot.what, index = slot.index, ms] {
        log::warning("loop", "loop thread {} is free again after {} ms ({})", index, ms, what);
      });
      return;
    }
    // Once per request: its later pieces that block too are counted, not told again.
    const Label* label = slot.capture.label_at_catch;
    if (label && label == slot.last_told && slot.what == slot.last_told_what) {
      ++untold_in_window;
      return;
    }
    if (told_in_window >= kBurst) {
      ++untold_in_window;
      return;
    }
    ++told_in_window;
    slot.last_told = label;
    slot.last_told_what = slot.what;
    Namer::instance().post([what = slot.what, index = slot.index, still, ms,
                            stack = slot.caught_stack] {
      log::warning("loop",
                   "{} held loop thread {} for {} {} ms: no other request, timer or callback on "
                   "that thread ran meanwhile. It was here when caught:\n{}"
                   "  The fix: co_await an asynchronous call instead, or hand the blocking call "
                   "to a thread pool with run_in_executor (lesson 06).",
                   what, index, still ? "more than" : "about", ms, describe_stack(*stack));
    });
  }

  void sum_up(Clock::time_point now, bool last = false) {
    if (!last && now - window_start < kWindow) return;
    if (untold_in_window > 0) {
      auto seconds = std::max<long long>(
          1, std::chrono::duration_cast<std::chrono::seconds>(now - window_start).count());
      Namer::instance().post([untold = untold_in_window, ms = threshold.count(), seconds] {
        log::warning("loop",
                     "{} more pieces of work held a loop thread longer than {} ms in the last {} s "
                     "(not told one by one)",
                     untold, ms, seconds);
      });
    }
    window_start = now;
    told_in_window = untold_in_window = 0;
  }
};

BlockingLog::BlockingLog(milliseconds threshold) {
  if (threshold <= milliseconds::zero())
    throw std::invalid_argument("the blocking log's threshold must be above zero");
  install_signal_handler();
  watchdog_ = std::make_unique<Watchdog>(threshold);
}

// The watchdog first (the threads watched have let go by now), then what it told is written.
BlockingLog::~BlockingLog() {
  watchdog_.reset();
  Namer::instance().drain();
}

milliseconds BlockingLog::threshold() const {
  return watchdog_->threshold;
}

BlockingLog::Watch::Watch(std::unique_ptr<Registered> registered)
    : registered_(std::move(registered)) {}
BlockingLog::Watch::Watch(Watch&&) noexcept = default;

BlockingLog::Watch BlockingLog::watch_this_thread(unsigned index) {
  auto registered = std::make_unique<Watch::Registered>();
  registered->index = index;
  registered->dog = watchdog_.get();
  {
    std::lock_guard lock(watchdog_->mutex);
    watchdog_->watched.push_back(registered.get());
  }
  this_thread_slot = registered.get();
  return Watch(std::move(registered));
}

BlockingLog::Watch::~Watch() {
  if (!registered_) return;
  this_thread_slot = nullptr;
  auto& dog = *registered_->dog;
  std::lock_guard lock(dog.mutex);
  dog.look_at(*registered_, Clock::now());  // tells of a last piece the loop stopped after
  dog.watched.remove(registered_.get());
}

}  // namespace parity::watch
