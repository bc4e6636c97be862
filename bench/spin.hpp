// W2's unit of work: a spin calibrated to take about 1 ms of CPU on the
// machine at hand (never a sleep). Every W2 program, jobstream's and the
// peers', spins with this code so that an item costs them all the same CPU;
// the sweep benchmark's trials spin with it too.
#pragma once

#include <algorithm>
#include <cstdint>
#include <ctime>

namespace bench {

inline double threadCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// xorshift64: every step depends on the one before, so the compiler can
// neither skip nor vectorise the loop.
inline std::uint64_t spin(std::int64_t iterations) {
  std::uint64_t x = 88172645463325252ULL;
  for (std::int64_t i = 0; i < iterations; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
  }
  return x;
}

// Iterations that take `milliseconds` of CPU here (W2's item: 1 ms): the
// fastest of several timed runs, so that a preempted one does not inflate
// the item.
inline std::int64_t calibrate(double milliseconds = 1.0) {
  constexpr std::int64_t kProbe = 200'000;
  double best = 1e9;
  for (int trial = 0; trial < 7; ++trial) {
    const double before = threadCpuSeconds();
    volatile std::uint64_t sink = spin(kProbe);
    (void)sink;
    best = std::min(best, threadCpuSeconds() - before);
  }
  return std::max<std::int64_t>(
      1, static_cast<std::int64_t>(static_cast<double>(kProbe) * milliseconds * 1e-3 / best));
}

}  // namespace bench
