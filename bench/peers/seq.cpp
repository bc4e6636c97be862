// The sequential loop: each workload on one core with no framework at all,
// the floor that every parallel system's cost per item is measured against.
//
//   usage: peer_seq w1|w1_fanned|w2|w7 ITEMS
//
// Prints the RESULT line of peer.hpp (w7: of bench/imbalance.hpp); the inner
// time starts after the calibration (w2, w7) and ends when the sum is known.
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
  const auto start = Clock::now();
  std::int64_t sum = 0;
  for (std::int64_t i = 0; i < args.items; ++i) sum += peer::twice(peer::addOne(peer::opaque(i)));
  return peer::reportW1("seq", args, secondsSince(start), sum);
}

// Each chunk becomes a vector of its items, as a job returning them would
// make it, and both jobs and the sum run over that vector.
int w1Fanned(const peer::Arguments& args) {
  const auto start = Clock::now();
  std::int64_t sum = 0;
  for (std::int64_t chunk = 0; chunk < peer::chunkCount(args.items); ++chunk) {
    const std::int64_t begin = peer::chunkBegin(chunk, args.items);
    const std::int64_t end = peer::chunkBegin(chunk + 1, args.items);
    std::vector<std::int64_t> items;
    items.reserve(static_cast<std::size_t>(end - begin));
    for (std::int64_t i = begin; i < end; ++i) items.push_back(i);
    peer::touched(items.data());
    for (std::int64_t& x : items) x = peer::twice(peer::addOne(x));
    for (std::int64_t x : items) sum += x;
  }
  return peer::reportW1("seq", args, secondsSince(start), sum);
}

int w2(const peer::Arguments& args) {
  const std::int64_t iterations = bench::calibrate();
  const auto start = Clock::now();
  peer::Spun total;
  for (std::int64_t i = 0; i < args.items; ++i) total.add(iterations);
  return peer::reportW2("seq", args, iterations, secondsSince(start), total);
}

// Items in index order, each spun for its own cost.
int w7(const peer::Arguments& args) {
  const std::int64_t iterationsPerMs = bench::calibrate();
  const auto start = Clock::now();
  bench::W7Tally total;
  for (std::int64_t i = 0; i < args.items; ++i) total.spin(i, iterationsPerMs);
  return bench::reportW7("peer_seq", "seq", 1, 1, 1, args.items, iterationsPerMs,
                         secondsSince(start), total);
}

}  // namespace

int main(int argc, char** argv) {
  const peer::Arguments args = peer::parseArguments(argc, argv, "peer_seq");
  if (args.batch != 0)
    peer::usage("peer_seq", "--batch is for peer_tbb: this program makes no batches");
  if (args.threads != 1) peer::usage("peer_seq", "the sequential loop runs on one thread");
  switch (args.workload) {
    case peer::Workload::w1:
      return w1(args);
    case peer::Workload::w1Fanned:
      return w1Fanned(args);
    case peer::Workload::w2:
      return w2(args);
    case peer::Workload::w7:
      return w7(args);
  }
  return 2;
}
