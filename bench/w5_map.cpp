// W5/W6: jobstream::map, what one call costs. A program with its own main
// calls jobstream::map CALLS times over ITEMS trivial int64 items (2x+1),
// after one call that is not timed (it starts MPI), as an iterative
// algorithm does once per iteration. baseline/w5_mpi.cpp is the same loop
// over a hand-written MPI_Scatterv/MPI_Gatherv map.
//
//   usage: w5_map [ITEMS [CALLS [into]]]   (defaults: 1000 items, 200 calls)
//
// With `into`, the calls use map(f, items, results) into one vector kept
// from call to call, as the baseline does, instead of a new vector each.
//
// Rank 0 prints one line that run.py parses; inner_seconds is the mean time
// of one call, and sum the sum of the last call's results (N^2):
//   RESULT workload=w5 system=jobstream ranks=2 items=1000 calls=200 inner_seconds=0.00041 sum=1000000 ...
#include <jobstream/jobstream.hpp>

#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <string>
#include <vector>

namespace w5 {
[[jobstream::job]] std::int64_t twicePlusOne(std::int64_t x) { return 2 * x + 1; }
}  // namespace w5

namespace {

std::int64_t countArgument(int argc, char** argv, int index, std::int64_t fallback) {
  if (argc <= index) return fallback;
  char* end = nullptr;
  const long long value = std::strtoll(argv[index], &end, 10);
  if (*end != '\0' || value <= 0) {
    std::fprintf(stderr, "w5_map: '%s' is not a positive count\nusage: w5_map [ITEMS [CALLS]]\n", argv[index]);
    std::exit(2);
  }
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t items = countArgument(argc, argv, 1, 1000);
  const std::int64_t calls = countArgument(argc, argv, 2, 200);
  const bool rankZero = jobstream::rank() == 0;
  std::vector<std::int64_t> input;
  if (rankZero) {
    input.resize(static_cast<std::size_t>(items));
    std::iota(input.begin(), input.end(), std::int64_t{0});
  }
  const bool into = argc > 3 && std::string(argv[3]) == "into";
  std::vector<std::int64_t> results = jobstream::map(w5::twicePlusOne, input);  // not timed: starts MPI
  const auto start = std::chrono::steady_clock::now();
  for (std::int64_t call = 0; call != calls; ++call) {
    if (into) {
      jobstream::map(w5::twicePlusOne, input, results);
    } else {
      results = jobstream::map(w5::twicePlusOne, input);
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!rankZero) return 0;
  const std::int64_t sum = std::accumulate(results.begin(), results.end(), std::int64_t{0});
  const bool ok = sum == items * items && static_cast<std::int64_t>(results.size()) == items;
  std::printf("RESULT workload=w5 system=jobstream ranks=%d items=%" PRId64 " calls=%" PRId64 " into=%d"
              " inner_seconds=%.6f sum=%" PRId64 " expected=%" PRId64 " ok=%d\n",
              jobstream::rank_count(), items, calls, into ? 1 : 0, seconds / static_cast<double>(calls), sum, items * items,
              ok ? 1 : 0);
  return ok ? 0 : 1;
}
