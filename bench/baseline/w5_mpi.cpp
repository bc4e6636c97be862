// W5/W6 baseline: bench/w5_map.cpp's loop of map calls over a map written
// by hand in plain MPI, the way a careful MPI programmer would: rank 0 splits
// the items evenly with MPI_Scatterv, every rank (rank 0 too) applies the
// function in one loop, and MPI_Gatherv puts the results in order on rank 0.
//
//   usage: w5_mpi [ITEMS [CALLS [into]]]   (defaults: 1000 items, 200 calls; `into` is
//                                          accepted for run.py and changes nothing: the
//                                          results vector is always kept from call to call)
//
// Rank 0 prints the same RESULT line as w5_map, with system=baseline.
#include <mpi.h>

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <vector>

namespace {

std::int64_t twicePlusOne(std::int64_t x) { return 2 * x + 1; }

std::int64_t countArgument(int argc, char** argv, int index, std::int64_t fallback) {
  if (argc <= index) return fallback;
  char* end = nullptr;
  const long long value = std::strtoll(argv[index], &end, 10);
  if (*end != '\0' || value <= 0) {
    std::fprintf(stderr, "w5_mpi: '%s' is not a positive count\nusage: w5_mpi [ITEMS [CALLS]]\n", argv[index]);
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  return value;
}

// One map call: rank 0's `items` in, f(items[i]) at index i of `results` on rank 0.
void map(const std::vector<std::int64_t>& items, std::int64_t count, std::vector<std::int64_t>& results, int rank,
         int ranks) {
  std::vector<int> counts(static_cast<std::size_t>(ranks)), offsets(static_cast<std::size_t>(ranks));
  for (int r = 0; r != ranks; ++r) {
    const std::int64_t first = count * r / ranks, last = count * (r + 1) / ranks;
    counts[static_cast<std::size_t>(r)] = static_cast<int>(last - first);
    offsets[static_cast<std::size_t>(r)] = static_cast<int>(first);
  }
  std::vector<std::int64_t> mine(static_cast<std::size_t>(counts[static_cast<std::size_t>(rank)]));
  MPI_Scatterv(items.data(), counts.data(), offsets.data(), MPI_INT64_T, mine.data(),
               counts[static_cast<std::size_t>(rank)], MPI_INT64_T, 0, MPI_COMM_WORLD);
  for (std::int64_t& x : mine) x = twicePlusOne(x);
  if (rank == 0) results.resize(static_cast<std::size_t>(count));
  MPI_Gatherv(mine.data(), counts[static_cast<std::size_t>(rank)], MPI_INT64_T, results.data(), counts.data(),
              offsets.data(), MPI_INT64_T, 0, MPI_COMM_WORLD);
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  const std::int64_t items = countArgument(argc, argv, 1, 1000);
  const std::int64_t calls = countArgument(argc, argv, 2, 200);
  if (items > std::numeric_limits<int>::max()) MPI_Abort(MPI_COMM_WORLD, 2);
  std::vector<std::int64_t> input, results;
  if (rank == 0) {
    input.resize(static_cast<std::size_t>(items));
    std::iota(input.begin(), input.end(), std::int64_t{0});
  }
  map(input, items, results, rank, ranks);  // not timed, as in w5_map
  MPI_Barrier(MPI_COMM_WORLD);
  const double start = MPI_Wtime();
  for (std::int64_t call = 0; call != calls; ++call) map(input, items, results, rank, ranks);
  const double seconds = MPI_Wtime() - start;
  int status = 0;
  if (rank == 0) {
    const std::int64_t sum = std::accumulate(results.begin(), results.end(), std::int64_t{0});
    const bool ok = sum == items * items;
    std::printf("RESULT workload=w5 system=baseline ranks=%d items=%" PRId64 " calls=%" PRId64
                " inner_seconds=%.6f sum=%" PRId64 " expected=%" PRId64 " ok=%d\n",
                ranks, items, calls, seconds / static_cast<double>(calls), sum, items * items, ok ? 1 : 0);
    status = ok ? 0 : 1;
  }
  MPI_Finalize();
  return status;
}
