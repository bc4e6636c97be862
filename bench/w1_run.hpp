// What the W1 programs (w1_jobstream, w1_lazy_jobstream,
// w1_fanned_jobstream) record while they run and print after it: their
// pipelines differ only in how the items are made, so the clock, the sum's
// check and the RESULT line that run.py parses are here once.
#pragma once

#include <jobstream/jobstream.hpp>

#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <string>

#include "leading_count.hpp"

namespace bench::w1 {

using Clock = std::chrono::steady_clock;

struct Run {
  explicit Run(std::int64_t defaultItems) : items(defaultItems) {}

  std::int64_t items;  // the default until main reads the command line

  // Written only where the init runs (rank 0), read after the run.
  bool initRan = false;
  int ranks = 1;
  Clock::time_point start;    // the init starts: the inner time's start
  Clock::time_point initEnd;  // the init has returned

  // Written by the result, which runs on rank 0 one call at a time.
  std::int64_t sum = 0;
  int results = 0;

  void initStarts() {
    initRan = true;
    ranks = jobstream::rank_count();
    start = Clock::now();
  }
  void initEnds() { initEnd = Clock::now(); }
  void record(std::int64_t total) {
    sum = total;
    ++results;
  }
};

// The sum of 2(x+1) for x = 0..N-1: N(N+1), about 1e18 for N = 1e9, within int64.
inline std::int64_t expectedSum(std::int64_t items) { return items * (items + 1); }

// The item count from a leading plain number, else `run.items`; false, with
// a message, when it is not a positive count (exit status 2).
inline bool takeItems(Run& run, int& argc, char**& argv, const char* program) {
  run.items = takeLeadingCount(argc, argv, run.items, program);
  return run.items > 0;
}

// After jobstream::run returned `code`: where the init ran, prints
//   RESULT workload=W system=jobstream ranks=R items=N inner_seconds=S
//          init_seconds=S [extra] sum=X expected=Y ok=1
// (`extra`: more fields, "name=value ...") and says on stderr when the sum
// is wrong or the reduce did not emit exactly once. Returns the exit code.
inline int report(const Run& run, int code, const char* workload, const char* program,
                  const std::string& extra = "") {
  if (code != 0 || !run.initRan) return code;
  using Seconds = std::chrono::duration<double>;
  const double inner = Seconds(Clock::now() - run.start).count();
  const double init = Seconds(run.initEnd - run.start).count();
  const std::int64_t expected = expectedSum(run.items);
  const bool ok = run.sum == expected && run.results == 1;
  std::printf("RESULT workload=%s system=jobstream ranks=%d items=%" PRId64
              " inner_seconds=%.6f init_seconds=%.6f %s%ssum=%" PRId64 " expected=%" PRId64 " ok=%d\n",
              workload, run.ranks, run.items, inner, init, extra.c_str(), extra.empty() ? "" : " ", run.sum,
              expected, ok ? 1 : 0);
  if (!ok) std::fprintf(stderr, "%s: wrong sum, or %d results instead of one\n", program, run.results);
  return ok ? 0 : 1;
}

}  // namespace bench::w1
