// W1 as a jobstream user writes it: 10 million integers through two trivial
// jobs, then a global sum reduce, whose one value a result records.
// baseline/w1_mpi.cpp does the same work by hand; run.py compares the two.
//
//   usage: w1_jobstream [ITEMS] [jobstream options]      (default: 10000000 items)
//
// The rank that ran the init (rank 0) prints one line that run.py parses:
//   RESULT workload=w1 system=jobstream ranks=2 items=10000000 inner_seconds=0.0400
//          init_seconds=0.0300 sum=100000010000000 expected=100000010000000 ok=1
// The inner time starts when the init starts (rank 0, once MPI is initialised)
// and ends when jobstream::run returns; init_seconds is the part of it spent
// inside the init, making the items. The exit code is non-zero when the sum is
// wrong or the reduce did not emit exactly once.
#include <jobstream/jobstream.hpp>

#include "leading_count.hpp"

#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

namespace {

std::int64_t g_items = 10'000'000;

// Written only where the init runs (rank 0), read after the run.
bool g_initRan = false;
int g_ranks = 1;
std::chrono::steady_clock::time_point g_start;
std::chrono::steady_clock::time_point g_initEnd;  // the init has made its items

// Written by the result, which runs on rank 0 one call at a time.
std::int64_t g_sum = 0;
int g_results = 0;

// The sum of 2(x+1) for x = 0..N-1.
std::int64_t expectedSum(std::int64_t items) { return items * (items + 1); }

}  // namespace

namespace w1 {

[[jobstream::init]]
jobstream::Multiple<std::int64_t> numbers() {
  g_initRan = true;
  g_ranks = jobstream::rank_count();
  g_start = std::chrono::steady_clock::now();
  jobstream::Multiple<std::int64_t> out;
  out.reserve(static_cast<std::size_t>(g_items));
  for (std::int64_t i = 0; i < g_items; ++i) out.push_back(i);
  g_initEnd = std::chrono::steady_clock::now();
  return out;
}

[[jobstream::job]]
std::int64_t addOne(std::int64_t x) { return x + 1; }

[[jobstream::job]]
std::int64_t twice(std::int64_t x) { return x * 2; }

[[jobstream::reduce]]
void sum(std::int64_t& total, std::span<const std::int64_t> inputs, std::span<const std::int64_t> others) {
  for (std::int64_t y : inputs) total += y;
  for (std::int64_t o : others) total += o;
}

[[jobstream::result]]
void record(std::int64_t total) {
  g_sum = total;
  ++g_results;
}

}  // namespace w1

int main(int argc, char** argv) {
  // A leading plain number is the item count; everything else is jobstream's.
  g_items = bench::takeLeadingCount(argc, argv, g_items, "w1_jobstream");
  if (g_items < 0) return 2;

  const int code = jobstream::run(argc, argv);
  if (code != 0 || !g_initRan) return code;

  using Seconds = std::chrono::duration<double>;
  const double inner = Seconds(std::chrono::steady_clock::now() - g_start).count();
  const double init = Seconds(g_initEnd - g_start).count();
  const std::int64_t expected = expectedSum(g_items);
  const bool ok = g_sum == expected && g_results == 1;
  std::printf("RESULT workload=w1 system=jobstream ranks=%d items=%" PRId64
              " inner_seconds=%.6f init_seconds=%.6f sum=%" PRId64 " expected=%" PRId64
              " ok=%d\n",
              g_ranks, g_items, inner, init, g_sum, expected, ok ? 1 : 0);
  if (!ok) std::fprintf(stderr, "w1_jobstream: wrong sum, or %d results instead of one\n", g_results);
  return ok ? 0 : 1;
}
