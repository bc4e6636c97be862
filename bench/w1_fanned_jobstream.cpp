// W1 fanned out, as a jobstream user with 100 million items writes it: the
// init makes only 1,000 chunk ids, a job expands each chunk into its items,
// and the items go through W1's two jobs and global sum reduce. So the items
// are made in parallel, a chunk at a time, where w1_jobstream's init makes
// them all on rank 0. peers/seq.cpp and peers/omp.cpp do the same by hand.
//
//   usage: w1_fanned_jobstream [ITEMS] [jobstream options]      (default: 100000000 items)
//
// Chunk c holds the items [c*N/1000, (c+1)*N/1000) (fewer chunks when N < 1,000).
// The rank that ran the init (rank 0) prints one line that run.py parses:
//   RESULT workload=w1_fanned system=jobstream ranks=2 items=100000000 inner_seconds=0.40
//          init_seconds=0.000010 sum=10000000100000000 expected=10000000100000000 ok=1
// The inner time starts when the init starts (rank 0, once MPI is initialised)
// and ends when jobstream::run returns. The exit code is non-zero when the
// sum is wrong or the reduce did not emit exactly once.
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <jobstream/jobstream.hpp>
#include <span>

#include "leading_count.hpp"

namespace {

std::int64_t g_items = 100'000'000;

// Written only where the init runs (rank 0), read after the run.
bool g_initRan = false;
int g_ranks = 1;
std::chrono::steady_clock::time_point g_start;
std::chrono::steady_clock::time_point g_initEnd;

// Written by the result, which runs on rank 0 one call at a time.
std::int64_t g_sum = 0;
int g_results = 0;

std::int64_t chunkCount() { return std::min<std::int64_t>(1000, g_items); }
std::int64_t chunkBegin(std::int64_t chunk) { return chunk * g_items / chunkCount(); }

// The sum of 2(x+1) for x = 0..N-1.
std::int64_t expectedSum(std::int64_t items) { return items * (items + 1); }

}  // namespace

namespace w1_fanned {

[[jobstream::init]]
jobstream::Multiple<std::int64_t> chunks() {
  g_initRan = true;
  g_ranks = jobstream::rank_count();
  g_start = std::chrono::steady_clock::now();
  jobstream::Multiple<std::int64_t> out;
  for (std::int64_t c = 0; c < chunkCount(); ++c) out.push_back(c);
  g_initEnd = std::chrono::steady_clock::now();
  return out;
}

// Every rank knows N (from its own command line), so a chunk id is enough.
[[jobstream::job]]
jobstream::Multiple<std::int64_t> expand(std::int64_t chunk) {
  const std::int64_t begin = chunkBegin(chunk);
  const std::int64_t end = chunkBegin(chunk + 1);
  jobstream::Multiple<std::int64_t> out;
  out.reserve(static_cast<std::size_t>(end - begin));
  for (std::int64_t i = begin; i < end; ++i) out.push_back(i);
  return out;
}

[[jobstream::job]]
std::int64_t addOne(std::int64_t x) { return x + 1; }

[[jobstream::job]]
std::int64_t twice(std::int64_t x) { return x * 2; }

[[jobstream::reduce]]
void sum(std::int64_t& total, std::span<const std::int64_t> inputs,
         std::span<const std::int64_t> others) {
  for (std::int64_t y : inputs) total += y;
  for (std::int64_t o : others) total += o;
}

[[jobstream::result]]
void record(std::int64_t total) {
  g_sum = total;
  ++g_results;
}

}  // namespace w1_fanned

int main(int argc, char** argv) {
  // A leading plain number is the item count; everything else is jobstream's.
  g_items = bench::takeLeadingCount(argc, argv, g_items, "w1_fanned_jobstream");
  if (g_items < 0) return 2;

  const int code = jobstream::run(argc, argv);
  if (code != 0 || !g_initRan) return code;

  using Seconds = std::chrono::duration<double>;
  const double inner = Seconds(std::chrono::steady_clock::now() - g_start).count();
  const double init = Seconds(g_initEnd - g_start).count();
  const std::int64_t expected = expectedSum(g_items);
  const bool ok = g_sum == expected && g_results == 1;
  std::printf("RESULT workload=w1_fanned system=jobstream ranks=%d items=%" PRId64
              " inner_seconds=%.6f init_seconds=%.6f sum=%" PRId64 " expected=%" PRId64 " ok=%d\n",
              g_ranks, g_items, inner, init, g_sum, expected, ok ? 1 : 0);
  if (!ok)
    std::fprintf(stderr, "w1_fanned_jobstream: wrong sum, or %d results instead of one\n",
                 g_results);
  return ok ? 0 : 1;
}
