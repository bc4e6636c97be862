// W2 baseline: the work of bench/w2_jobstream.cpp, written by hand in plain
// MPI the way w1_mpi.cpp is: rank 0 hands every rank (itself included) a batch
// of items per round with MPI_Scatterv, each rank spins its items, and
// MPI_Reduce adds up the counts, checksums and CPU times at rank 0. Equal
// items keep a static split balanced; a round's few items keep the ranks
// finishing together.
//
//   usage: w2_mpi [ITEMS [BATCH]]      (defaults: 2000 items, 10 per rank per round)
//
// Rank 0 prints one line that run.py parses, with the fields of w2_jobstream's:
//   RESULT workload=w2 system=baseline ranks=2 workers=2 items=2000 inner_seconds=1.01
//          item_cpu_ms=1.001 ideal_seconds=1.001 efficiency=0.990 sum=2000 expected=2000 ok=1
// Rank 0 calibrates the spin (bench/spin.hpp, as w2_jobstream does) and
// broadcasts it; the inner time starts after that and a barrier, and ends
// when rank 0 holds the totals. The exit code is non-zero when an item is
// missing or a spin gave a wrong checksum.
#include <mpi.h>

#include <algorithm>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <vector>

#include "../spin.hpp"

namespace {

// Reads a positive count from argv[index], or returns `fallback`.
std::int64_t countArgument(int argc, char** argv, int index, std::int64_t fallback) {
  if (argc <= index) return fallback;
  char* end = nullptr;
  const long long value = std::strtoll(argv[index], &end, 10);
  if (*end != '\0' || value <= 0) {
    std::fprintf(stderr, "w2_mpi: '%s' is not a positive count\nusage: w2_mpi [ITEMS [BATCH]]\n",
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
  const std::int64_t items = countArgument(argc, argv, 1, 2000);
  const std::int64_t batch = countArgument(argc, argv, 2, 10);
  if (batch * ranks > std::numeric_limits<int>::max()) {
    if (rank == 0) std::fprintf(stderr, "w2_mpi: BATCH times ranks must fit in an int\n");
    MPI_Abort(MPI_COMM_WORLD, 2);
  }

  std::int64_t iterations = rank == 0 ? bench::calibrate() : 0;
  MPI_Bcast(&iterations, 1, MPI_INT64_T, 0, MPI_COMM_WORLD);

  // An item is its spin length, as w2_jobstream's Item is.
  std::vector<std::int64_t> round(rank == 0 ? static_cast<std::size_t>(batch * ranks) : 0,
                                  iterations);
  std::vector<std::int64_t> mine(static_cast<std::size_t>(batch));
  std::vector<int> counts(static_cast<std::size_t>(ranks));
  std::vector<int> offsets(static_cast<std::size_t>(ranks));

  MPI_Barrier(MPI_COMM_WORLD);
  const double start = MPI_Wtime();

  std::uint64_t local[2] = {0, 0};  // items, checksum (wraps: compared modulo 2^64)
  double localCpu = 0;
  for (std::int64_t first = 0; first < items; first += batch * ranks) {
    const std::int64_t inRound = std::min(batch * ranks, items - first);
    for (int r = 0; r < ranks; ++r) {
      const std::int64_t begin = std::min<std::int64_t>(r * batch, inRound);
      const std::int64_t end = std::min<std::int64_t>(begin + batch, inRound);
      offsets[static_cast<std::size_t>(r)] = static_cast<int>(begin);
      counts[static_cast<std::size_t>(r)] = static_cast<int>(end - begin);
    }
    const int myCount = counts[static_cast<std::size_t>(rank)];
    MPI_Scatterv(round.data(), counts.data(), offsets.data(), MPI_INT64_T, mine.data(), myCount,
                 MPI_INT64_T, 0, MPI_COMM_WORLD);
    for (int i = 0; i < myCount; ++i) {
      const double before = bench::threadCpuSeconds();
      local[1] += bench::spin(mine[static_cast<std::size_t>(i)]);
      localCpu += bench::threadCpuSeconds() - before;
      ++local[0];
    }
  }
  std::uint64_t total[2] = {0, 0};
  double cpu = 0;
  MPI_Reduce(local, total, 2, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
  MPI_Reduce(&localCpu, &cpu, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
  const double inner = MPI_Wtime() - start;

  int status = 0;
  if (rank == 0) {
    const std::uint64_t expectedChecksum =
        static_cast<std::uint64_t>(items) * bench::spin(iterations);
    const bool ok = total[0] == static_cast<std::uint64_t>(items) && total[1] == expectedChecksum;
    status = ok ? 0 : 1;
    const double ideal = cpu / ranks;
    std::printf(
        "RESULT workload=w2 system=baseline ranks=%d workers=%d items=%" PRId64
        " inner_seconds=%.6f item_cpu_ms=%.4f ideal_seconds=%.6f efficiency=%.4f sum=%" PRIu64
        " expected=%" PRId64 " ok=%d\n",
        ranks, ranks, items, inner, 1e3 * cpu / static_cast<double>(items), ideal, ideal / inner,
        total[0], items, ok ? 1 : 0);
    if (!ok) std::fprintf(stderr, "w2_mpi: wrong item count or checksum\n");
  }
  MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
  MPI_Finalize();
  return status;
}
