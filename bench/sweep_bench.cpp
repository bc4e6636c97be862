// Sweeps: what the sweep machinery costs (contract, section 7; issue 14).
//
//   usage: sweep_bench [COMBINATIONS] [jobstream options, e.g. --trials 1000]
//   environment: SWEEP_TRIAL_MS=X   each trial spins X ms of CPU (default 0:
//                                   a trivial trial, so only the machinery counts)
//
// The rows leave to a finish stage that checks them (one per combination,
// each with the trials asked for) instead of printing the table. Rank 0
// prints one line that sweep_bench.py parses:
//   RESULT workload=sweep ranks=2 workers=2 combinations=1000 trials=1000000 inner_seconds=0.41
//          trials_per_second=2.4e6 trial_cpu_ms=0 ideal_seconds=0 efficiency=0 ok=1
// The inner time starts when the init makes the combinations and ends when
// jobstream::run returns. With spinning trials, ideal is the CPU the trials
// measured (the outcome's `cpu` column, times trials) spread evenly over
// every worker thread; efficiency = ideal / inner.
#include <jobstream/jobstream.hpp>

#include "leading_count.hpp"
#include "spin.hpp"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

namespace {

std::int64_t g_combinations = 1000;
std::int64_t g_iterations = 0;  // of the spin, per trial; 0: a trivial trial

bool g_initRan = false;
int g_ranks = 1;
int g_workers = 1;
std::chrono::steady_clock::time_point g_start;

using bench::calibrate;
using bench::spin;
using bench::threadCpuSeconds;

}  // namespace

namespace sweepbench {

struct Outcome {
  double value = 0;
  double cpu = 0;  // seconds of CPU the trial took (0 for trivial trials)
};

[[jobstream::init]]
jobstream::Multiple<std::int64_t> combinations() {
  g_initRan = true;
  g_ranks = jobstream::rank_count();
  g_workers = jobstream::total_threads();
  g_start = std::chrono::steady_clock::now();
  jobstream::Multiple<std::int64_t> out;
  out.reserve(static_cast<std::size_t>(g_combinations));
  for (std::int64_t i = 0; i != g_combinations; ++i) out.push_back(i);
  return out;
}

[[jobstream::sweep]]
Outcome trial(const std::int64_t& combination, std::uint64_t trial) {
  if (g_iterations == 0) return {static_cast<double>((static_cast<std::uint64_t>(combination) * 31 + trial) % 17), 0};
  const double before = threadCpuSeconds();
  const std::uint64_t x = spin(g_iterations);
  return {static_cast<double>(x % 17), threadCpuSeconds() - before};
}

std::vector<jobstream::SweepRow<std::int64_t, Outcome>> g_rows;

[[jobstream::finish]]
void collect(std::vector<jobstream::SweepRow<std::int64_t, Outcome>> rows) { g_rows = std::move(rows); }

}  // namespace sweepbench

int main(int argc, char** argv) {
  g_combinations = bench::takeLeadingCount(argc, argv, g_combinations, "sweep_bench");
  if (g_combinations < 0) return 2;
  if (const char* ms = std::getenv("SWEEP_TRIAL_MS")) {
    const double milliseconds = std::atof(ms);
    if (milliseconds > 0) g_iterations = calibrate(milliseconds);
  }
  const int code = jobstream::run(argc, argv);
  if (code != 0 || !g_initRan) return code;

  const double inner = std::chrono::duration<double>(std::chrono::steady_clock::now() - g_start).count();
  std::uint64_t trials = 0;
  double cpu = 0;
  std::vector<char> seen(static_cast<std::size_t>(g_combinations), 0);
  bool ok = sweepbench::g_rows.size() == static_cast<std::size_t>(g_combinations);
  for (const auto& row : sweepbench::g_rows) {
    trials += row.trials;
    cpu += row.mean.cpu * static_cast<double>(row.trials);
    if (row.params < 0 || row.params >= g_combinations || seen[static_cast<std::size_t>(row.params)]++) ok = false;
  }
  const double ideal = cpu / std::max(1, g_workers);
  std::printf("RESULT workload=sweep ranks=%d workers=%d combinations=%" PRId64 " trials=%" PRIu64
              " inner_seconds=%.6f trials_per_second=%.4g trial_cpu_ms=%.4f ideal_seconds=%.6f efficiency=%.4f ok=%d\n",
              g_ranks, g_workers, g_combinations, trials, inner, static_cast<double>(trials) / inner,
              trials ? 1e3 * cpu / static_cast<double>(trials) : 0.0, ideal, g_iterations ? ideal / inner : 0.0,
              ok ? 1 : 0);
  if (!ok) std::fprintf(stderr, "sweep_bench: not exactly one row per combination\n");
  return ok ? 0 : 1;
}
