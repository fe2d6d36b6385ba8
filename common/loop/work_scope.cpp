#include "common/loop/work_scope.hpp"
#include "common/loop/work_meter.hpp"

namespace parity::watch {

constinit thread_local ThreadSlot* this_thread_slot = nullptr;
constinit thread_local WorkMeter* this_thread_meter = nullptr;

}  // namespace parity::watch
