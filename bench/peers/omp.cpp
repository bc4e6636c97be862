// Each workload by hand with OpenMP, on one process: what a shared-memory
// programmer writes, to set beside jobstream at the same number of cores.
//
//   usage: peer_omp w1|w1_fanned|w2|w7 ITEMS [--threads N]      (default: 1 thread)
//
//   w1         parallel for over the items, static schedule, reduction(+:sum)
//   w1_fanned  parallel for over the 1,000 chunks, schedule(dynamic,1): each
//              chunk is expanded into a vector of its items, then both jobs
//              and the sum run over it
//   w2         parallel for over the items, schedule(dynamic,1), since items
//              of 1 ms are worth balancing one by one
//   w7         the same, over items of heavy-tailed cost: a thread takes the
//              next item only when it is free, so a 50 ms item never waits
//              behind another
//
// Prints the RESULT line of peer.hpp (w7: of bench/imbalance.hpp). The
// thread team is started before the clock (and after w2's and w7's
// calibration); the clock stops when the reduction is known.
#include <omp.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "peer.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int w1(const peer::Arguments& args) {
  const std::int64_t items = args.items;
  const auto start = Clock::now();
  std::int64_t sum = 0;
#pragma omp parallel for schedule(static) reduction(+ : sum)
  for (std::int64_t i = 0; i < items; ++i) sum += peer::twice(peer::addOne(peer::opaque(i)));
  return peer::reportW1("openmp", args, secondsSince(start), sum);
}

int w1Fanned(const peer::Arguments& args) {
  const std::int64_t items = args.items;
  const std::int64_t chunks = peer::chunkCount(items);
  const auto start = Clock::now();
  std::int64_t sum = 0;
#pragma omp parallel for schedule(dynamic, 1) reduction(+ : sum)
  for (std::int64_t chunk = 0; chunk < chunks; ++chunk) {
    const std::int64_t begin = peer::chunkBegin(chunk, items);
    const std::int64_t end = peer::chunkBegin(chunk + 1, items);
    std::vector<std::int64_t> mine;
    mine.reserve(static_cast<std::size_t>(end - begin));
    for (std::int64_t i = begin; i < end; ++i) mine.push_back(i);
    peer::touched(mine.data());
    for (std::int64_t& x : mine) x = peer::twice(peer::addOne(x));
    for (std::int64_t x : mine) sum += x;
  }
  return peer::reportW1("openmp", args, secondsSince(start), sum);
}

int w2(const peer::Arguments& args, std::int64_t iterations) {
  const std::int64_t items = args.items;
  const auto start = Clock::now();
  std::int64_t count = 0;
  std::uint64_t checksum = 0;
  double cpuSeconds = 0;
#pragma omp parallel for schedule(dynamic, 1) reduction(+ : count, checksum, cpuSeconds)
  for (std::int64_t i = 0; i < items; ++i) {
    peer::Spun one;
    one.add(iterations);
    count += one.items;
    checksum += one.checksum;
    cpuSeconds += one.cpuSeconds;
  }
  return peer::reportW2("openmp", args, iterations, secondsSince(start),
                        peer::Spun{count, checksum, cpuSeconds});
}

int w7(const peer::Arguments& args, std::int64_t iterationsPerMs) {
  const std::int64_t items = args.items;
  const auto start = Clock::now();
  std::int64_t count = 0;
  std::int64_t indexSum = 0;
  std::uint64_t checksum = 0;
  double cpuSeconds = 0;
#pragma omp parallel for schedule(dynamic, 1) reduction(+ : count, indexSum, checksum, cpuSeconds)
  for (std::int64_t i = 0; i < items; ++i) {
    bench::W7Tally one;
    one.spin(i, iterationsPerMs);
    count += one.items;
    indexSum += one.indexSum;
    checksum += one.checksum;
    cpuSeconds += one.cpuSeconds;
  }
  return bench::reportW7("peer_omp", "openmp", 1, args.threads, args.threads, items,
                         iterationsPerMs, secondsSince(start),
                         bench::W7Tally{count, indexSum, checksum, cpuSeconds});
}

}  // namespace

int main(int argc, char** argv) {
  const peer::Arguments args = peer::parseArguments(argc, argv, "peer_omp");
  if (args.batch != 0)
    peer::usage("peer_omp", "--batch is for peer_tbb: this program makes no batches");
  // Calibrated before the team exists, whose idle threads spin for a while:
  // w2's item, w7's iterations per millisecond (both 1 ms of spin).
  const bool spins = args.workload == peer::Workload::w2 || args.workload == peer::Workload::w7;
  const std::int64_t iterations = spins ? bench::calibrate() : 0;
  omp_set_dynamic(0);
  omp_set_num_threads(args.threads);
  // Starts the team now, so that the first timed loop does not pay for it.
#pragma omp parallel
  {
    volatile int started = omp_get_thread_num();
    (void)started;
  }
  switch (args.workload) {
    case peer::Workload::w1:
      return w1(args);
    case peer::Workload::w1Fanned:
      return w1Fanned(args);
    case peer::Workload::w2:
      return w2(args, iterations);
    case peer::Workload::w7:
      return w7(args, iterations);
  }
  return 2;
}
