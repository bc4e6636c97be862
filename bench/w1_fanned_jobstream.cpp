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
#include <cstdint>
#include <span>

#include "w1_run.hpp"

namespace {

bench::w1::Run g_run{100'000'000};

std::int64_t chunkCount() { return std::min<std::int64_t>(1000, g_run.items); }
std::int64_t chunkBegin(std::int64_t chunk) { return chunk * g_run.items / chunkCount(); }

}  // namespace

namespace w1_fanned {

[[jobstream::init]]
jobstream::Multiple<std::int64_t> chunks() {
  g_run.initStarts();
  jobstream::Multiple<std::int64_t> out;
  for (std::int64_t c = 0; c < chunkCount(); ++c) out.push_back(c);
  g_run.initEnds();
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
  g_run.record(total);
}

}  // namespace w1_fanned

int main(int argc, char** argv) {
  // A leading plain number is the item count; everything else is jobstream's.
  if (!bench::w1::takeItems(g_run, argc, argv, "w1_fanned_jobstream")) return 2;
  return bench::w1::report(g_run, jobstream::run(argc, argv), "w1_fanned", "w1_fanned_jobstream");
}
