// Ranks with nothing to do must not burn CPU: on a 2-core machine, idle
// communication threads would slow the ranks that work.
#include <gtest/gtest.h>

#include <sys/resource.h>

#include "test_pipelines.hpp"

namespace jstest {
namespace {

double processCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

TEST(Idle, WaitingRanksSleepInsteadOfSpinning) {
#ifdef JOBSTREAM_SANITIZED
  GTEST_SKIP() << "sanitizers multiply CPU costs: a CPU budget means nothing here";
#endif
  // One item that sleeps 400 ms: four ranks with two workers each have
  // nothing to do but wait, steal in vain and run termination waves.
  fanout::reset();
  fanout::leafMicros = 400'000;
  const double cpuBefore = processCpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  LoopbackRun run = runLoopback(fanout::pipeline, 4, 2, batchOf(std::vector<int>{1}));
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = processCpuSeconds() - cpuBefore;
  ASSERT_TRUE(allSucceeded(run));
  EXPECT_GE(wall, 0.4);
  // Spinning would cost every core (4 communication threads, 8 workers on
  // 2 cores: 2 s of CPU per second). Polling every few hundred microseconds
  // costs a few percent of a core per rank.
  EXPECT_LT(cpu, 0.5 * wall) << cpu << " s of CPU in " << wall << " s";
}

}  // namespace
}  // namespace jstest
