// W7's items, imbalance: what each one costs, decided by its index alone, so
// that every W7 program (jobstream's and the peers') spins the same CPU for
// item i whatever rank or thread runs it, and in whatever order.
//
// The rule: h = splitmix64(i). When h % 50 == 0 the item is heavy, 50 ms of
// spin; otherwise it is light, 100 + (h >> 32) % 201 microseconds (0.1 to
// 0.3 ms, 0.2 ms on average). Of the 2,000 items 0..1999, 42 are heavy (2.1%,
// the last one item 1961): 2.10 s of the 2.49 s of CPU in all. So the ideal
// time on 2 cores is ~1.25 s, of which one heavy item is 4%: whoever leaves
// a heavy item waiting while a core idles pays for it in efficiency.
//
// The spin is bench/spin.hpp's (W2's), calibrated once to iterations per
// millisecond on the rank that makes the items, and carried to the others.
#pragma once

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <map>

#include "spin.hpp"

namespace bench {

// splitmix64's output for the state x: a fixed, well-mixed hash of an index.
inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

inline constexpr std::int64_t kW7HeavyMicroseconds = 50'000;

inline std::int64_t w7CostMicroseconds(std::int64_t index) {
  const std::uint64_t h = splitmix64(static_cast<std::uint64_t>(index));
  if (h % 50 == 0) return kW7HeavyMicroseconds;
  return 100 + static_cast<std::int64_t>((h >> 32) % 201);
}

// The spin length of item `index`, given calibrate()'s iterations for 1 ms.
inline std::int64_t w7Iterations(std::int64_t index, std::int64_t iterationsPerMs) {
  return iterationsPerMs * w7CostMicroseconds(index) / 1000;
}

// What a W7 program adds up over the items it ran: each item once means
// `items` and `indexSum` are N and N(N-1)/2, and `checksum` the sum of
// every item's spin.
struct W7Tally {
  std::int64_t items = 0;
  std::int64_t indexSum = 0;
  std::uint64_t checksum = 0;  // wraps: compared modulo 2^64
  double cpuSeconds = 0;

  void spin(std::int64_t index, std::int64_t iterationsPerMs) {
    const double before = threadCpuSeconds();
    checksum += bench::spin(w7Iterations(index, iterationsPerMs));
    cpuSeconds += threadCpuSeconds() - before;
    indexSum += index;
    ++items;
  }
  void add(const W7Tally& other) {
    items += other.items;
    indexSum += other.indexSum;
    checksum += other.checksum;
    cpuSeconds += other.cpuSeconds;
  }
};

// The checksum of items 0..items-1 run once each. Items share ~200 spin
// lengths, so each length is spun once (~0.1 s), not each item.
inline std::uint64_t w7ExpectedChecksum(std::int64_t items, std::int64_t iterationsPerMs) {
  std::map<std::int64_t, std::uint64_t> spun;
  std::uint64_t sum = 0;
  for (std::int64_t i = 0; i < items; ++i) {
    const std::int64_t iterations = w7Iterations(i, iterationsPerMs);
    auto [at, fresh] = spun.try_emplace(iterations, 0);
    if (fresh) at->second = bench::spin(iterations);
    sum += at->second;
  }
  return sum;
}

// Prints the RESULT line run.py parses and returns the exit status: 0 when
// every item was run exactly once with the right spin. Ideal time = the CPU
// the spins took, spread evenly over the `workers` that ran them;
// efficiency = ideal / inner, as W2's. `threads` > 0 adds the peers' field.
inline int reportW7(const char* program, const char* system, int ranks, int threads, int workers,
                    std::int64_t items, std::int64_t iterationsPerMs, double inner,
                    const W7Tally& total) {
  const std::int64_t expectedIndexSum = items * (items - 1) / 2;
  const bool ok = total.items == items && total.indexSum == expectedIndexSum &&
                  total.checksum == w7ExpectedChecksum(items, iterationsPerMs);
  const double ideal = total.cpuSeconds / (workers > 0 ? workers : 1);
  char threadsField[32] = "";
  if (threads > 0) std::snprintf(threadsField, sizeof threadsField, " threads=%d", threads);
  std::printf("RESULT workload=w7 system=%s ranks=%d%s workers=%d items=%" PRId64
              " inner_seconds=%.6f cpu_seconds=%.4f ideal_seconds=%.6f efficiency=%.4f"
              " seen=%" PRId64 " sum=%" PRId64 " expected=%" PRId64 " ok=%d\n",
              system, ranks, threadsField, workers, items, inner, total.cpuSeconds, ideal,
              ideal / inner, total.items, total.indexSum, expectedIndexSum, ok ? 1 : 0);
  if (!ok) std::fprintf(stderr, "%s: an item missing or run twice, or a wrong spin checksum\n", program);
  return ok ? 0 : 1;
}

}  // namespace bench
