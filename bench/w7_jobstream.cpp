// W7, imbalance: 2,000 items whose CPU costs are heavy-tailed, most ~0.2 ms
// and 2% of them 50 ms (bench/imbalance.hpp's rule, a function of the item's
// index), spun with W2's calibrated spin (never a sleep) and summed by a
// global reduce. W2 with equal items shows what the runtime costs; W7 shows
// whether it keeps every worker busy when a few items hold most of the work.
//
//   usage: w7_jobstream [ITEMS] [jobstream options]      (default: 2000 items)
//
// Ideal time is the CPU time the jobs really used, spread evenly over every
// worker thread in the run; efficiency = ideal / inner, as in W2. The rank
// that ran the init (rank 0) prints one line that run.py parses:
//   RESULT workload=w7 system=jobstream ranks=2 workers=2 items=2000 inner_seconds=1.34
//          cpu_seconds=2.56 ideal_seconds=1.280 efficiency=0.954 seen=2000 sum=1999000
//          expected=1999000 ok=1
// (sum: of the item indices.) The inner time starts after the calibration,
// when the init makes the items, and ends when jobstream::run returns. The
// exit code is non-zero when an item is missing or ran twice, or a spin gave
// a wrong checksum.
#include <jobstream/jobstream.hpp>

#include "imbalance.hpp"
#include "leading_count.hpp"
#include "spin.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <span>

namespace {

std::int64_t g_items = 2000;

// Written where the init runs (rank 0) and by the result (rank 0), read after the run.
bool g_initRan = false;
int g_ranks = 1;
int g_workers = 1;
std::int64_t g_iterationsPerMs = 0;
std::chrono::steady_clock::time_point g_start;

}  // namespace

namespace w7 {

// An item is its index; it carries rank 0's calibration so that every rank
// spins the same lengths (a rank calibrating for itself would not).
struct Item {
  std::int64_t index = 0;
  std::int64_t iterationsPerMs = 0;
};

struct Done {
  std::int64_t index = 0;
  std::uint64_t checksum = 0;
  double cpuSeconds = 0;
};

struct Total {
  std::int64_t items = 0;
  std::int64_t indexSum = 0;
  std::uint64_t checksum = 0;  // wraps: compared modulo 2^64
  double cpuSeconds = 0;
};

[[jobstream::init]]
jobstream::Multiple<Item> items() {
  g_initRan = true;
  g_ranks = jobstream::rank_count();
  g_iterationsPerMs = bench::calibrate();
  g_start = std::chrono::steady_clock::now();
  jobstream::Multiple<Item> out;
  out.reserve(static_cast<std::size_t>(g_items));
  for (std::int64_t i = 0; i < g_items; ++i) out.push_back({i, g_iterationsPerMs});
  return out;
}

[[jobstream::job]]
Done work(const Item& item) {
  const double before = bench::threadCpuSeconds();
  const std::uint64_t checksum = bench::spin(bench::w7Iterations(item.index, item.iterationsPerMs));
  return {item.index, checksum, bench::threadCpuSeconds() - before};
}

[[jobstream::reduce]]
void sum(Total& total, std::span<const Done> inputs, std::span<const Total> others) {
  for (const Done& d : inputs) {
    ++total.items;
    total.indexSum += d.index;
    total.checksum += d.checksum;
    total.cpuSeconds += d.cpuSeconds;
  }
  for (const Total& o : others) {
    total.items += o.items;
    total.indexSum += o.indexSum;
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

}  // namespace w7

int main(int argc, char** argv) {
  // A leading plain number is the item count; everything else is jobstream's.
  g_items = bench::takeLeadingCount(argc, argv, g_items, "w7_jobstream");
  if (g_items < 0) return 2;

  const int code = jobstream::run(argc, argv);
  if (code != 0 || !g_initRan) return code;

  const double inner =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - g_start).count();
  const w7::Total& t = w7::g_total;
  const int status = bench::reportW7("w7_jobstream", "jobstream", g_ranks, 0, g_workers, g_items,
                                     g_iterationsPerMs, inner,
                                     {t.items, t.indexSum, t.checksum, t.cpuSeconds});
  if (w7::g_results != 1) {
    std::fprintf(stderr, "w7_jobstream: %d results instead of one\n", w7::g_results);
    return 1;
  }
  return status;
}
