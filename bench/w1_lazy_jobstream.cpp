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
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <ranges>
#include <span>
#include <string>

#include "w1_run.hpp"

namespace {

bench::w1::Run g_run{1'000'000'000};

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
  g_run.initStarts();
  jobstream::Lazy items(std::views::iota(std::int64_t{0}, g_run.items));
  g_run.initEnds();
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
  g_run.record(total);
}

}  // namespace w1_lazy

int main(int argc, char** argv) {
  // A leading plain number is the item count; everything else is jobstream's.
  if (!bench::w1::takeItems(g_run, argc, argv, "w1_lazy_jobstream")) return 2;
  const int code = jobstream::run(argc, argv);
  char rss[64];
  std::snprintf(rss, sizeof rss, "rank0_peak_rss_mib=%.1f", peakResidentMiB());
  return bench::w1::report(g_run, code, "w1_lazy", "w1_lazy_jobstream", rss);
}
