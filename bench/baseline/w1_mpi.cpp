// W1 baseline: the work of bench/w1_jobstream.cpp, written by hand in plain MPI
// the way a careful MPI programmer would, so that run.py can say what
// jobstream's generality costs.
//
// Rank 0 makes the items 0..N-1, a round at a time, and hands each rank
// (itself included) a batch with MPI_Scatterv. Every rank applies the same
// two jobs as the pipeline (x+1, then x*2) and sums what they give, and
// MPI_Reduce brings the sums to rank 0, as the pipeline's global reduce does.
//
//   usage: w1_mpi [ITEMS [BATCH]]      (defaults: 10000000 items, 10000 per rank per round)
//
// Rank 0 prints one line that run.py parses:
//   RESULT workload=w1 system=baseline ranks=2 items=10000000 inner_seconds=0.0163
//          sum=100000010000000 expected=100000010000000 ok=1
// The inner time starts after MPI_Init and a barrier and ends when rank 0
// holds the final sum. The exit code is non-zero when the sum is wrong.
#include <mpi.h>

#include <algorithm>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <vector>

namespace {

// The pipeline's jobs, identical to bench/w1_jobstream.cpp.
std::int64_t addOne(std::int64_t x) { return x + 1; }
std::int64_t twice(std::int64_t x) { return x * 2; }

// The sum of 2(x+1) for x = 0..N-1.
std::int64_t expectedSum(std::int64_t items) { return items * (items + 1); }

// Reads a positive count from argv[index], or returns `fallback`.
std::int64_t countArgument(int argc, char** argv, int index, std::int64_t fallback) {
  if (argc <= index) return fallback;
  char* end = nullptr;
  const long long value = std::strtoll(argv[index], &end, 10);
  if (*end != '\0' || value <= 0) {
    std::fprintf(stderr, "w1_mpi: '%s' is not a positive count\nusage: w1_mpi [ITEMS [BATCH]]\n",
                 argv[index]);
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  int ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  const std::int64_t items = countArgument(argc, argv, 1, 10'000'000);
  const std::int64_t batch = countArgument(argc, argv, 2, 10'000);
  if (batch * ranks > std::numeric_limits<int>::max()) {
    if (rank == 0) std::fprintf(stderr, "w1_mpi: BATCH times ranks must fit in an int\n");
    MPI_Abort(MPI_COMM_WORLD, 2);
  }

  // Buffers are allocated before the clock starts, as a long-running MPI code would.
  std::vector<std::int64_t> round(rank == 0 ? static_cast<std::size_t>(batch * ranks) : 0);
  std::vector<std::int64_t> mine(static_cast<std::size_t>(batch));
  std::vector<int> counts(static_cast<std::size_t>(ranks));
  std::vector<int> offsets(static_cast<std::size_t>(ranks));

  MPI_Barrier(MPI_COMM_WORLD);
  const double start = MPI_Wtime();

  std::int64_t localSum = 0;
  for (std::int64_t first = 0; first < items; first += batch * ranks) {
    // Every rank knows N, so every rank works out the same split of this round.
    const std::int64_t inRound = std::min(batch * ranks, items - first);
    for (int r = 0; r < ranks; ++r) {
      const std::int64_t begin = std::min<std::int64_t>(r * batch, inRound);
      const std::int64_t end = std::min<std::int64_t>(begin + batch, inRound);
      offsets[static_cast<std::size_t>(r)] = static_cast<int>(begin);
      counts[static_cast<std::size_t>(r)] = static_cast<int>(end - begin);
    }
    if (rank == 0) std::iota(round.begin(), round.begin() + inRound, first);
    const int myCount = counts[static_cast<std::size_t>(rank)];
    MPI_Scatterv(round.data(), counts.data(), offsets.data(), MPI_INT64_T, mine.data(), myCount,
                 MPI_INT64_T, 0, MPI_COMM_WORLD);
    for (int i = 0; i < myCount; ++i) localSum += twice(addOne(mine[static_cast<std::size_t>(i)]));
  }
  std::int64_t sum = 0;
  MPI_Reduce(&localSum, &sum, 1, MPI_INT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
  const double inner = MPI_Wtime() - start;

  int status = 0;
  if (rank == 0) {
    const std::int64_t expected = expectedSum(items);
    status = sum == expected ? 0 : 1;
    std::printf("RESULT workload=w1 system=baseline ranks=%d items=%" PRId64
                " inner_seconds=%.6f sum=%" PRId64 " expected=%" PRId64 " ok=%d\n",
                ranks, items, inner, sum, expected, status == 0 ? 1 : 0);
    if (status != 0) std::fprintf(stderr, "w1_mpi: wrong sum\n");
  }
  MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
  MPI_Finalize();
  return status;
}
