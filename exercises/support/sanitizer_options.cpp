// The sanitizers' defaults for an exercise's tests built under one (exercise_NN_asan,
// exercise_NN_tsan: exercises/CMakeLists.txt). The sanitizer calls these at start-up; the
// environment's ASAN_OPTIONS, UBSAN_OPTIONS and TSAN_OPTIONS still win.
//
// Each stops at its first report and exits with 66, which no test run does otherwise (a failing
// test exits 1): `parity learn check` reads that report and names it in a sentence. A stack kept
// past its function's return (a lambda's reference to a local, run later) is looked for too.

#ifndef PARITY_EXERCISE_SANITIZER
#error "compiled only into an exercise's sanitized tests (exercises/CMakeLists.txt)"
#endif

extern "C" {

// The sanitizers look these up by name, so they are defined but never called here.
const char* __asan_default_options();
const char* __ubsan_default_options();
const char* __tsan_default_options();

const char* __asan_default_options() {
  return "exitcode=66:detect_stack_use_after_return=1:detect_leaks=1:halt_on_error=1";
}

const char* __ubsan_default_options() {
  return "exitcode=66:print_stacktrace=1:halt_on_error=1";
}

// second_deadlock_stack: where each of two locks taken in opposite orders was taken.
const char* __tsan_default_options() {
  return "exitcode=66:halt_on_error=1:second_deadlock_stack=1";
}
}
