#!/usr/bin/env bash
# The whole test suite: builds, then runs the lit tests of jsgen, the unit and
# end-to-end tests (CTest), the runtime's unit tests again under
# AddressSanitizer+UBSan and ThreadSanitizer, and the lit tests again with
# jsgen under AddressSanitizer+UBSan. Ends with 'N passed, N failed'.
# usage: tests/run_all.sh [BUILD_DIR]   (run from anywhere; ./build.sh test calls it)
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
results="$build/test-results"
lit=/usr/lib/llvm-19/build/utils/lit/lit.py
jobs=$(nproc)

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl=self,vader

# Each phase says when it starts, in minutes:seconds since the suite started:
# CI allows the suite 25 minutes, and this shows where they go.
say() { printf '== [%d:%02d] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }

# A tree configured earlier with another compiler starts afresh (CMake
# cannot change a tree's compiler in place).
fresh_if_compiler_changed() {  # dir, cmake args...
  local dir=$1 arg want=""; shift
  for arg in "$@"; do case $arg in -DCMAKE_CXX_COMPILER=*) want=${arg#*=} ;; esac; done
  [ -f "$dir/CMakeCache.txt" ] || return 0
  local have; have=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$dir/CMakeCache.txt")
  if [ -n "$want" ] && [ "$(command -v "$want")" != "$have" ] || { [ -z "$want" ] && [[ $have == *clang* ]]; }; then
    rm -rf "$dir"
  fi
}

# Every tree is built with warnings as errors (a plain build only shows them).
build_tree() {  # dir, extra cmake args...
  local dir=$1; shift
  say "building $dir"
  fresh_if_compiler_changed "$dir" "$@"
  cmake -S . -B "$dir" -G Ninja -DJOBSTREAM_WERROR=ON "$@" >/dev/null && cmake --build "$dir" -- -j"$jobs" >/dev/null ||
    { echo "FAILED: building $dir" >&2; cmake --build "$dir" -- -j1 2>&1 | tail -40; return 1; }
}

rm -rf "$results" && mkdir -p "$results"
status=0
# The main tree: optimised as a release, without debug information (which
# makes jsgen's Clang-heavy sources take half as long again to compile).
if build_tree "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG"; then
  say "lit (jsgen)"
  python3 "$lit" -sv --xunit-xml-output "$results/lit.xml" "$build/tests/lit" || status=1
  say "unit and end-to-end tests"
  ctest --test-dir "$build" -E '^lit$' -j"$jobs" --timeout 900 --output-on-failure \
    --output-junit "$(pwd)/$results/ctest.xml" || status=1
else
  echo "build failed" > "$results/build.failed"; status=1
fi

# The sanitizer trees are built with clang++ (the main tree is g++'s): its
# sanitizers are the upstream ones, and it compiles the instrumented code
# several times faster than g++ does (g++ -O1 with ASan+UBSan took 64 s for
# the heaviest test file, clang++ -O0 16 s), which is what CI's 25 minutes
# need. They keep their assertions (Debug) and carry line tables only: a
# report still names file and line.
clang=clang++-19

# The runtime is where threads race: its unit tests run under both
# sanitizers. ASan+UBSan unoptimised (its tests are quick even so); TSan at
# -O1, without which its runs are many times slower.
for sanitizer in address,undefined thread; do
  dir="$build-${sanitizer%%,*}"
  optimise="-O0 -g1"; [ "$sanitizer" = thread ] && optimise="-O1 -g1"
  # The library as a unity build (JOBSTREAM_UNITY_RUNTIME): half the CPU time.
  if build_tree "$dir" -DCMAKE_CXX_COMPILER="$clang" -DCMAKE_BUILD_TYPE=Debug \
       -DCMAKE_CXX_FLAGS_DEBUG="$optimise" -DJOBSTREAM_BUILD_JSGEN=OFF -DJOBSTREAM_SANITIZE="$sanitizer" \
       -DJOBSTREAM_UNITY_RUNTIME=ON; then
    say "unit tests under $sanitizer sanitizer"
    exclude='mpi'
    TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
    ASAN_OPTIONS="detect_leaks=1" UBSAN_OPTIONS="halt_on_error=1 print_stacktrace=1" \
      ctest --test-dir "$dir" -LE "$exclude" -j"$jobs" --timeout 900 --output-on-failure \
        --output-junit "$(pwd)/$results/unit-${sanitizer%%,*}.xml" || status=1
  else
    echo "build failed" > "$results/build-${sanitizer%%,*}.failed"; status=1
  fi
done

# jsgen walks Clang's AST and replays diagnostics: its lit tests run again
# with jsgen built under AddressSanitizer+UBSan (only jsgen: the programs the
# tests compile are not the point here, so their compile lines are skipped).
# Unoptimised: most of a run is Clang's own, optimised, code.
dir="$build-jsgen-address"
say "building $dir (jsgen)"
fresh_if_compiler_changed "$dir" -DCMAKE_CXX_COMPILER="$clang"
if cmake -S . -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER="$clang" -DJOBSTREAM_WERROR=ON \
     -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1" -DJOBSTREAM_SANITIZE=address,undefined \
     -DJOBSTREAM_BUILD_EXAMPLES=OFF -DJOBSTREAM_BUILD_BENCH=OFF >/dev/null &&
   cmake --build "$dir" --target jsgen -- -j"$jobs" >/dev/null; then
  say "lit (jsgen under address,undefined sanitizers)"
  # Clang's own allocations live until exit by design: leaks are not checked.
  # A report aborts, so that `not %jsgen` cannot pass it off as an expected error.
  ASAN_OPTIONS="detect_leaks=0 abort_on_error=1" \
  UBSAN_OPTIONS="halt_on_error=1 abort_on_error=1 print_stacktrace=1" \
    python3 "$lit" -sv --param jsgen_only=1 --xunit-xml-output "$results/lit-jsgen-address.xml" "$dir/tests/lit" || status=1
else
  echo "build failed" > "$results/build-jsgen-address.failed"; status=1
fi

say "summary"
python3 tests/summarize.py "$results" || status=1
exit $status
