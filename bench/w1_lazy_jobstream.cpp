// W1 with its items drawn as workers need them: the init returns
// jobstream::Lazy(std::views::iota(0, N)) instead of a Multiple of N items,
// so a billion items go through x+1, x*2 and a global sum in the memory of
// a few batches. w1_jobstream.cpp is the same pipeline with a Multiple.
//
//   usage: w1_lazy_jobstream [ITEMS] [jobstream options]   (default: 1000000000 items)
//
// The rank that ran the init (rank 0) prints one line that run.py parses:
//   RESULT workload=w1_lazy system=jobstream ranks=2 items=1000000000 inner_seconds=3.1
//          init_seconds=0.000001 rank0_peak_rss_mib=12.3 sum=1000000001000000000
//          expected=1000000001000000000 ok=1
// The inner time starts when the init starts and ends when jobstream::run
// returns; init_seconds is the init's own call (it makes no item: the
// workers draw them). rank0_peak_rss_mib is that process's peak resident
// memory (VmHWM). The exit code is non-zero when the sum is wrong or the
// reduce did not emit exactly once.
#include <jobstream/jobstream.hpp>

#include "leading_count.hpp"

#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <ranges>
#include <span>
#include <string>

namespace {

std::int64_t g_items = 1'000'000'000;

// Written only where the init runs (rank 0), read after the run.
bool g_initRan = false;
int g_ranks = 1;
std::chrono::steady_clock::time_point g_start;
std::chrono::steady_clock::time_point g_initEnd;

// Written by the result, which runs on rank 0 one call at a time.
std::int64_t g_sum = 0;
int g_results = 0;

// The sum of 2(x+1) for x = 0..N-1: N(N+1), about 1e18 for N = 1e9, within int64.
std::int64_t expectedSum(std::int64_t items) { return items * (items + 1); }

// This process's peak resident memory in MiB (VmHWM), or -1 where /proc does not say.
double peakResidentMiB() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return static_cast<double>(std::strtoll(line.c_str() + 6, nullptr, 10)) / 1024;
  return -1;
}

}  // namespace

namespace w1_lazy {

[[jobstream::init]]
jobstream::Lazy<std::int64_t> numbers() {
  g_initRan = true;
  g_ranks = jobstream::rank_count();
  g_start = std::chrono::steady_clock::now();
  jobstream::Lazy items(std::views::iota(std::int64_t{0}, g_items));
  g_initEnd = std::chrono::steady_clock::now();
  return items;
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

}  // namespace w1_lazy

int main(int argc, char** argv) {
  // A leading plain number is the item count; everything else is jobstream's.
  g_items = bench::takeLeadingCount(argc, argv, g_items, "w1_lazy_jobstream");
  if (g_items < 0) return 2;

  const int code = jobstream::run(argc, argv);
  if (code != 0 || !g_initRan) return code;

  using Seconds = std::chrono::duration<double>;
  const double inner = Seconds(std::chrono::steady_clock::now() - g_start).count();
  const double init = Seconds(g_initEnd - g_start).count();
  const std::int64_t expected = expectedSum(g_items);
  const bool ok = g_sum == expected && g_results == 1;
  std::printf("RESULT workload=w1_lazy system=jobstream ranks=%d items=%" PRId64
              " inner_seconds=%.6f init_seconds=%.6f rank0_peak_rss_mib=%.1f sum=%" PRId64 " expected=%" PRId64
              " ok=%d\n",
              g_ranks, g_items, inner, init, peakResidentMiB(), g_sum, expected, ok ? 1 : 0);
  if (!ok) std::fprintf(stderr, "w1_lazy_jobstream: wrong sum, or %d results instead of one\n", g_results);
  return ok ? 0 : 1;
}
