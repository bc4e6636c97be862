// W7 baseline: the work of bench/w7_jobstream.cpp (items of heavy-tailed
// cost, bench/imbalance.hpp) written by hand in plain MPI as the classic
// master/worker: rank 0 hands out one item at a time to whoever asks, so a
// 50 ms item holds up only the worker that took it.
//
//   usage: w7_mpi [ITEMS]      (default: 2000 items)
//
// On 2 ranks of 2 cores a master that only hands out items leaves a core to
// a process that mostly waits, and a master that works and answers between
// its own items (MPI_Iprobe after each) leaves a worker that asks waiting
// for the rest of a 50 ms item. So rank 0 runs two threads: the master, the
// only one to call MPI (MPI_THREAD_FUNNELED), which polls for requests and
// sleeps between polls instead of spinning in a blocking receive (that would
// take a core from the spins), and a worker that takes items from the same
// counter the master hands out from. The workers are rank 0's thread and
// every other rank. A worker rank keeps three asks outstanding, so the
// round trip and the master's poll interval hide behind the items it spins,
// and at most three items wait at it. (Tried on 2 cores, inner time of 2,000
// items: one ask ahead with 20 us polls, 1.56 s, lost to the master's
// wake-ups, which also slow the spins they interrupt, and to the worker
// rank's waits; two ahead with 200 us polls 1.40 s; three with 500 us
// 1.35 s; four with 1 ms no better, and more ahead holds more items back at
// the end.)
//
// Rank 0 prints one line that run.py parses, with the fields of w7_jobstream's:
//   RESULT workload=w7 system=baseline ranks=2 workers=2 items=2000 inner_seconds=1.34
//          cpu_seconds=2.58 ideal_seconds=1.290 efficiency=0.962 seen=2000 sum=1999000
//          expected=1999000 ok=1
// Rank 0 calibrates the spin (bench/spin.hpp, as w7_jobstream does) and
// broadcasts it; the inner time starts after that and a barrier, and ends
// when rank 0 holds the totals. The exit code is non-zero when an item is
// missing or ran twice, or a spin gave a wrong checksum.
#include <mpi.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "../imbalance.hpp"

namespace {

constexpr int kAsk = 1;   // worker rank -> master, no payload: one more item, please
constexpr int kItem = 2;  // master -> worker rank: an item's index, or kNoMore
constexpr std::int64_t kNoMore = -1;
constexpr int kAhead = 3;  // asks a worker rank keeps outstanding
// ~550 us with the kernel's timer slack: shorter than three light items
// (0.1-0.3 ms each), so a worker rank's next answer is there in time.
constexpr std::chrono::microseconds kPoll{500};

// Reads a positive count from argv[index], or returns `fallback`.
std::int64_t countArgument(int argc, char** argv, int index, std::int64_t fallback) {
  if (argc <= index) return fallback;
  char* end = nullptr;
  const long long value = std::strtoll(argv[index], &end, 10);
  if (*end != '\0' || value <= 0) {
    std::fprintf(stderr, "w7_mpi: '%s' is not a positive count\nusage: w7_mpi [ITEMS]\n",
                 argv[index]);
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  return value;
}

// Rank 0's master: answers each ask with the next item of `next`, the counter
// rank 0's own worker thread also takes from, until every ask of every worker
// rank has been answered: once items run out, each worker rank's kAhead
// outstanding asks are answered kNoMore and it asks no more.
void serve(std::atomic<std::int64_t>& next, std::int64_t items, int workerRanks) {
  const int lastAnswers = workerRanks * kAhead;
  int toldNoMore = 0;
  MPI_Request ask = MPI_REQUEST_NULL;
  if (lastAnswers > 0) MPI_Irecv(nullptr, 0, MPI_BYTE, MPI_ANY_SOURCE, kAsk, MPI_COMM_WORLD, &ask);
  while (toldNoMore < lastAnswers) {
    int asked = 0;
    MPI_Status status;
    MPI_Test(&ask, &asked, &status);
    if (!asked) {
      std::this_thread::sleep_for(kPoll);
      continue;
    }
    std::int64_t index = next.fetch_add(1);
    if (index >= items) {
      index = kNoMore;
      ++toldNoMore;
    }
    // Posted again before answering, so that an ask is always awaited.
    if (toldNoMore < lastAnswers)
      MPI_Irecv(nullptr, 0, MPI_BYTE, MPI_ANY_SOURCE, kAsk, MPI_COMM_WORLD, &ask);
    MPI_Send(&index, 1, MPI_INT64_T, status.MPI_SOURCE, kItem, MPI_COMM_WORLD);
  }
}

void askMaster(std::int64_t& answer, MPI_Request& pending) {
  MPI_Irecv(&answer, 1, MPI_INT64_T, 0, kItem, MPI_COMM_WORLD, &pending);
  MPI_Send(nullptr, 0, MPI_BYTE, 0, kAsk, MPI_COMM_WORLD);
}

// A worker rank: kAhead asks always outstanding, answered in the order they
// were sent (MPI keeps the order of messages between two ranks, and receives
// match in the order they were posted), each renewed as its item starts.
bench::W7Tally work(std::int64_t iterationsPerMs) {
  bench::W7Tally tally;
  std::int64_t answers[kAhead];
  MPI_Request pending[kAhead];
  for (int slot = 0; slot < kAhead; ++slot) askMaster(answers[slot], pending[slot]);
  for (int slot = 0;; slot = (slot + 1) % kAhead) {
    MPI_Wait(&pending[slot], MPI_STATUS_IGNORE);
    const std::int64_t item = answers[slot];
    if (item == kNoMore) break;
    askMaster(answers[slot], pending[slot]);
    tally.spin(item, iterationsPerMs);
  }
  // The answers after the first kNoMore are kNoMore too: the counter only grows.
  MPI_Waitall(kAhead, pending, MPI_STATUSES_IGNORE);
  return tally;
}

}  // namespace

int main(int argc, char** argv) {
  int provided = MPI_THREAD_SINGLE;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  int rank = 0;
  int ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  if (provided < MPI_THREAD_FUNNELED) {
    if (rank == 0) std::fprintf(stderr, "w7_mpi: this MPI offers no MPI_THREAD_FUNNELED\n");
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  const std::int64_t items = countArgument(argc, argv, 1, 2000);

  std::int64_t iterationsPerMs = rank == 0 ? bench::calibrate() : 0;
  MPI_Bcast(&iterationsPerMs, 1, MPI_INT64_T, 0, MPI_COMM_WORLD);

  MPI_Barrier(MPI_COMM_WORLD);
  const double start = MPI_Wtime();

  bench::W7Tally mine;
  if (rank == 0) {
    std::atomic<std::int64_t> next{0};
    std::thread worker([&] {
      for (std::int64_t i = next.fetch_add(1); i < items; i = next.fetch_add(1))
        mine.spin(i, iterationsPerMs);
    });
    serve(next, items, ranks - 1);
    worker.join();
  } else {
    mine = work(iterationsPerMs);
  }

  // items, index sum and checksum all add up modulo 2^64.
  const std::uint64_t local[3] = {static_cast<std::uint64_t>(mine.items),
                                  static_cast<std::uint64_t>(mine.indexSum), mine.checksum};
  std::uint64_t sums[3] = {0, 0, 0};
  double cpu = 0;
  MPI_Reduce(local, sums, 3, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
  MPI_Reduce(&mine.cpuSeconds, &cpu, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
  const double inner = MPI_Wtime() - start;

  int status = 0;
  if (rank == 0) {
    const bench::W7Tally total{static_cast<std::int64_t>(sums[0]),
                               static_cast<std::int64_t>(sums[1]), sums[2], cpu};
    status = bench::reportW7("w7_mpi", "baseline", ranks, 0, ranks, items, iterationsPerMs, inner,
                             total);
  }
  MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
  MPI_Finalize();
  return status;
}
