#!/usr/bin/env bash
# Parity outside its build tree: installed into a temporary prefix and run from a folder outside
# the checkout, as a lab machine's user runs it. `parity diff` and a lesson's step find what they
# read beside the installed `parity`; `parity learn init` makes a student's project that builds
# against the installed CMake package; its starter fails, the solution copied in passes; clangd
# reports no error on the untouched starter; init adds an exercise to the project without touching
# the rest; `parity learn grade` counts a starter as not passed, even with the project's copy of
# the tests deleted.
#   install_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
work=$(mktemp -d /tmp/parity-install-test.XXXXXX)
trap '[[ -n ${KEEP:-} ]] || rm -rf "$work"' EXIT
prefix=$work/prefix
parity=$prefix/bin/parity
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

step "cmake --install into $prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log" || { cat "$work/install.log"; fail "install"; }
for file in bin/parity lib/cmake/Parity/ParityConfig.cmake lib/cmake/Parity/ParityTargets.cmake \
            include/parity/common/http/server/server.hpp share/parity/installed \
            share/parity/styles/coroutine/coroutine_style.cpp share/parity/bench/peers/tornado/server.py \
            share/parity/bench/peers/node/server.js share/parity/bench/peers/aiohttp/server.py \
            share/parity/tutorials/14_more_than_one_core/nginx.conf share/parity/learn/project/CMakeLists.txt \
            share/parity/exercises/01_callback_fetch/solution/exercise.hpp; do
  [[ -e $prefix/$file ]] || fail "$file is not installed"
done
[[ ! -e $prefix/share/parity/exercises/01_callback_fetch/exercise.hpp ]] ||
  fail "the checkout's own exercise.hpp (a developer's working copy) was installed"

cd "$work"  # outside the checkout and the build tree from here on
step "parity diff fetch sync coroutine"
"$parity" diff fetch sync coroutine >diff.txt || { cat diff.txt; fail "parity diff"; }
grep -q "co_await" diff.txt || { cat diff.txt; fail "the diff shows no co_await"; }

step "parity tutorial 02.1"
"$parity" tutorial 02.1 >tutorial.txt 2>&1 || { cat tutorial.txt; fail "parity tutorial 02.1"; }

step "parity learn outside a project says what to do"
if "$parity" learn >outside.txt 2>&1; then fail "parity learn ran outside any project"; fi
grep -q "learn init" outside.txt || { cat outside.txt; fail "no word of learn init"; }

step "parity learn init student 01"
"$parity" learn init student 01 >init.txt 2>&1 || { cat init.txt; fail "learn init"; }
for file in .parity-learn .clangd CMakeLists.txt compile_commands.json build/CMakeCache.txt \
            exercises/01_callback_fetch/exercise.hpp exercises/01_callback_fetch/README.md \
            exercises/01_callback_fetch/hints.md exercises/01_callback_fetch/test.cpp; do
  [[ -e student/$file ]] || fail "learn init made no $file"
done
[[ ! -e student/exercises/02_future_fetch ]] || fail "learn init 01 copied exercise 02 too"

step "learn check 01 on the starter fails"
cd student/exercises/01_callback_fetch  # inside an exercise's folder, check means that one
if "$parity" learn check >check.txt 2>&1; then cat check.txt; fail "the starter passed"; fi
grep -q "Exercise 01" check.txt || { cat check.txt; fail "check in 01's folder checked another"; }
grep -q "FAIL" check.txt || { cat check.txt; fail "the starter's check shows no failing part"; }
grep -q "student/exercises/01_callback_fetch/test.cpp" "$work/student/compile_commands.json" ||
  fail "compile_commands.json has no command for the project's exercise 01"

if command -v clangd >/dev/null; then
  step "clangd --check on the untouched starter"
  # --check-lines=1: the diagnostics cover the whole file; only the refactorings clangd also
  # tries at each token (which it counts as errors when one does not apply) are left out.
  clangd --check="$PWD/exercise.hpp" --check-lines=1 >"$work/clangd.txt" 2>&1 ||
    { grep -E "^E\[|error" "$work/clangd.txt" | head -20; fail "clangd reports errors on the starter"; }
  if grep -qE "^E\[[0-9:.]+\] \[" "$work/clangd.txt"; then
    grep -E "^E\[" "$work/clangd.txt" | head -20; fail "clangd reports errors on the starter"
  fi
else
  echo "(clangd is not installed: its check is skipped)"
fi

step "learn check 01 with the solution copied in passes"
cp "$prefix/share/parity/exercises/01_callback_fetch/solution/exercise.hpp" exercise.hpp
"$parity" learn check 01 >check.txt 2>&1 || { cat check.txt; fail "the solution did not pass"; }
"$parity" learn >list.txt 2>&1 || { cat list.txt; fail "parity learn (the list)"; }
grep -q "01 .*passing" list.txt || { cat list.txt; fail "the list does not say 01 passes"; }

step "learn init adds exercises to a project, keeping the student's files"
cd "$work"
"$parity" learn init student 02 >add.txt 2>&1 || { cat add.txt; fail "learn init on the project"; }
[[ -e student/exercises/02_future_fetch/exercise.hpp ]] || fail "exercise 02 was not added"
cmp -s student/exercises/01_callback_fetch/exercise.hpp \
  "$prefix/share/parity/exercises/01_callback_fetch/solution/exercise.hpp" ||
  fail "adding an exercise changed the student's 01"

step "learn grade: a solved exercise passes, a starter never counts"
"$parity" learn init --no-configure untouched 01 >/dev/null
rm untouched/exercises/01_callback_fetch/test.cpp  # the copy to read: grading does not need it
"$parity" learn grade student untouched --build-dir "$work/grading" --json grade.json --junit grade.xml \
  >grade.txt 2>grade.log || { cat grade.txt grade.log; fail "learn grade"; }
cat grade.txt
grep -qE "^student +pass" grade.txt || fail "the table does not show student's 01 passing"
grep -qE "^untouched +start" grade.txt || fail "the table does not show untouched's 01 as the starter"
python3 - grade.json <<'PY' || fail "grade.json"
import json, sys
g = {s["student"]: {e["exercise"]: e for e in s["exercises"]} for s in json.load(open(sys.argv[1]))["students"]}
assert g["student"]["01"]["passed"] and g["student"]["01"]["parts_passed"] == g["student"]["01"]["parts"] > 0, g["student"]["01"]
assert not g["untouched"]["01"]["passed"] and g["untouched"]["01"]["mark"] == "starter", g["untouched"]["01"]
assert g["student"]["02"]["mark"] == "starter" and g["student"]["03"]["mark"] == "missing"
PY
grep -q '<testsuite name="untouched"' grade.xml || fail "grade.xml has no suite per student"
echo "install test: every check held"
