// W2, parallel efficiency: 2,000 items of about 1 ms of CPU each (a spin
// calibrated on this machine, never a sleep), summed by a global reduce.
//
//   usage: w2_jobstream [ITEMS] [jobstream options]      (default: 2000 items)
//
// Ideal time is the CPU time the jobs really used, spread evenly over every
// worker thread in the run; efficiency = ideal / inner. So 100% means that
// the workers did nothing but the jobs from start to end, and anything the
// runtime adds (idle workers, communication, the reduce, shutdown) lowers it.
// The rank that ran the init (rank 0) prints one line that run.py parses:
//   RESULT workload=w2 system=jobstream ranks=2 workers=2 items=2000 inner_seconds=1.03
//          item_cpu_ms=1.001 ideal_seconds=1.001 efficiency=0.972 sum=2000 expected=2000 ok=1
// The inner time starts after the calibration, when the init makes the items,
// and ends when jobstream::run returns. The exit code is non-zero when an item
// is missing or a spin gave a wrong checksum.
#include <jobstream/jobstream.hpp>

#include "leading_count.hpp"
#include "spin.hpp"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

namespace {

std::int64_t g_items = 2000;

// Written where the init runs (rank 0) and by the result (rank 0), read after the run.
bool g_initRan = false;
int g_ranks = 1;
int g_workers = 1;
std::int64_t g_iterations = 0;
std::chrono::steady_clock::time_point g_start;

}  // namespace

namespace w2 {

struct Item {
  std::int64_t iterations = 0;
};

struct Done {
  std::uint64_t checksum = 0;
  double cpuSeconds = 0;
};

struct Total {
  std::int64_t items = 0;
  std::uint64_t checksum = 0;  // wraps: compared modulo 2^64
  double cpuSeconds = 0;
};

[[jobstream::init]]
jobstream::Multiple<Item> items() {
  g_initRan = true;
  g_ranks = jobstream::rank_count();
  g_iterations = bench::calibrate();
  g_start = std::chrono::steady_clock::now();
  return jobstream::Multiple<Item>(static_cast<std::size_t>(g_items), Item{g_iterations});
}

[[jobstream::job]]
Done work(const Item& item) {
  const double before = bench::threadCpuSeconds();
  const std::uint64_t checksum = bench::spin(item.iterations);
  return {checksum, bench::threadCpuSeconds() - before};
}

[[jobstream::reduce]]
void sum(Total& total, std::span<const Done> inputs, std::span<const Total> others) {
  for (const Done& d : inputs) {
    ++total.items;
    total.checksum += d.checksum;
    total.cpuSeconds += d.cpuSeconds;
  }
  for (const Total& o : others) {
    total.items += o.items;
    total.checksum += o.checksum;
    total.cpuSeconds += o.cpuSeconds;
  }
}

Total g_total;
int g_results = 0;

[[jobstream::result]]
void record(const Total& total) {
  g_total = total;
  g_workers = jobstream::total_threads();
  ++g_results;
}

}  // namespace w2

int main(int argc, char** argv) {
  // A leading plain number is the item count; everything else is jobstream's.
  g_items = bench::takeLeadingCount(argc, argv, g_items, "w2_jobstream");
  if (g_items < 0) return 2;

  const int code = jobstream::run(argc, argv);
  if (code != 0 || !g_initRan) return code;

  using Seconds = std::chrono::duration<double>;
  const double inner = Seconds(std::chrono::steady_clock::now() - g_start).count();
  const w2::Total& total = w2::g_total;
  const std::uint64_t expectedChecksum = static_cast<std::uint64_t>(g_items) * bench::spin(g_iterations);
  const bool ok = w2::g_results == 1 && total.items == g_items && total.checksum == expectedChecksum;
  const double ideal = total.cpuSeconds / std::max(1, g_workers);
  std::printf("RESULT workload=w2 system=jobstream ranks=%d workers=%d items=%" PRId64
              " inner_seconds=%.6f item_cpu_ms=%.4f ideal_seconds=%.6f efficiency=%.4f sum=%" PRId64
              " expected=%" PRId64 " ok=%d\n",
              g_ranks, g_workers, g_items, inner, 1e3 * total.cpuSeconds / static_cast<double>(g_items), ideal,
              ideal / inner, total.items, g_items, ok ? 1 : 0);
  if (!ok) std::fprintf(stderr, "w2_jobstream: wrong item count or checksum, or not exactly one result\n");
  return ok ? 0 : 1;
}
