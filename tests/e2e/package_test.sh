#!/usr/bin/env bash
# usage: package_test.sh JOBSTREAM_BUILD_DIR CONSUMER_SOURCE_DIR WORK_DIR
# Builds the consumer project against the build tree (g++) and against an
# installed prefix (clang++-19), runs both programs, and checks that the jsgen
# step reruns exactly when a pipeline source or a header it includes changes.
set -euo pipefail
build=$(cd "$1" && pwd) source=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
cp -r "$source" "$work/src"

fail() { echo "FAILED: $*" >&2; exit 1; }
expect_output() {  # program, expected lines...
  local program=$1; shift
  local got; got=$("$program" | sort)
  local want; want=$(printf '%s\n' "$@" | sort)
  [[ "$got" == "$want" ]] || fail "$program printed '$got', expected '$want'"
}
check_programs() {
  local dir=$1
  expect_output "$dir/app" "value 103" "value 106"
  local got; got=$(echo -e "hello\nto" | "$dir/lengths" | sort | tr '\n' ' ')
  [[ "$got" == "2 5 " ]] || fail "lengths printed '$got'"
}
# What a build would do now. Captured whole before grepping: `ninja | grep -q`
# under pipefail fails at random when grep exits first and ninja gets SIGPIPE.
dry_run() { ninja -C "$1" -n 2>&1; }
# One core: the suite runs this beside the mpirun tests.
ninja() { command ninja -j1 "$@"; }
plan_has() {  # build dir, pattern
  local plan; plan=$(dry_run "$1")
  grep -q "$2" <<<"$plan"
}

echo "== consumer against the build tree"
cmake -S "$work/src" -B "$work/tree" -G Ninja -Djobstream_DIR="$build" >/dev/null
ninja -C "$work/tree" >/dev/null
check_programs "$work/tree"

echo "== nothing changed: nothing rebuilds"
plan_has "$work/tree" "no work to do" || fail "a build with no change had work to do"

echo "== touching an included header reruns jsgen for app only"
sleep 1; touch "$work/src/stages.hpp"
plan=$(dry_run "$work/tree")
grep -q "jsgen: generating the pipeline glue of app" <<<"$plan" || fail "header change did not regenerate: $plan"
grep -q "glue of lengths" <<<"$plan" && fail "header change regenerated an unrelated program"
ninja -C "$work/tree" >/dev/null

echo "== touching a pipeline source reruns jsgen"
sleep 1; touch "$work/src/lengths.cpp"
plan_has "$work/tree" "jsgen: generating the pipeline glue of lengths" ||
  fail "source change did not regenerate"
ninja -C "$work/tree" >/dev/null
plan_has "$work/tree" "no work to do" || fail "second build was not up to date"

echo "== install, then the consumer against the prefix with clang++-19"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
CXX=clang++-19 cmake -S "$work/src" -B "$work/installed" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
ninja -C "$work/installed" >/dev/null
check_programs "$work/installed"
echo "package test passed"
