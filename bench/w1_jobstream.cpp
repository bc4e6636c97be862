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
#include <cstdint>
#include <span>

#include "w1_run.hpp"

namespace {

bench::w1::Run g_run{10'000'000};

}  // namespace

namespace w1 {

[[jobstream::init]]
jobstream::Multiple<std::int64_t> numbers() {
  g_run.initStarts();
  jobstream::Multiple<std::int64_t> out;
  out.reserve(static_cast<std::size_t>(g_run.items));
  for (std::int64_t i = 0; i < g_run.items; ++i) out.push_back(i);
  g_run.initEnds();
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
  g_run.record(total);
}

}  // namespace w1

int main(int argc, char** argv) {
  // A leading plain number is the item count; everything else is jobstream's.
  if (!bench::w1::takeItems(g_run, argc, argv, "w1_jobstream")) return 2;
  return bench::w1::report(g_run, jobstream::run(argc, argv), "w1", "w1_jobstream");
}
