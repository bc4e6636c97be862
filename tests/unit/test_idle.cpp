// Ranks with nothing to do must not burn CPU: on a 2-core machine, idle
// communication threads would slow the ranks that work.
#include <gtest/gtest.h>

#include <sys/resource.h>
#include <time.h>

#include <thread>

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

double threadCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

TEST(Idle, ARankWithNothingToDoCostsAtMostAPercentOfACore) {
#ifdef JOBSTREAM_SANITIZED
  GTEST_SKIP() << "sanitizers multiply CPU costs: a CPU budget means nothing here";
#endif
  // One item that sleeps 1.5 s on one of four ranks: the other three wait
  // for work that never comes, then for the end of the run. The CPU time
  // of each rank's communication thread (the thread that called runRank;
  // its workers sleep on a condition) is at most 1% of the run, plus the
  // first moments, when every rank asks for work at a fast pace.
  fanout::reset();
  fanout::leafMicros = 1'500'000;
  constexpr int kRanks = 4;
  auto hub = std::make_shared<LoopbackHub>(kRanks);
  std::vector<double> cpu(kRanks);
  std::vector<RunResult> results(kRanks);
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int r = 0; r != kRanks; ++r) {
    threads.emplace_back([&, r] {
      LoopbackTransport transport(hub, r);
      RankOptions options;
      options.threads = 1;
      const double before = threadCpuSeconds();
      results[static_cast<std::size_t>(r)] =
          runRank(fanout::pipeline, transport, options, r == 0 ? batchOf(std::vector<int>{1}) : nullptr);
      cpu[static_cast<std::size_t>(r)] = threadCpuSeconds() - before;
    });
  }
  for (std::thread& t : threads) t.join();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const RunResult& result : results) ASSERT_EQ(result.exitCode, 0) << result.error;
  EXPECT_EQ(fanout::leaves.load(), 1);
  std::map<int, long long> ran;
  {
    std::lock_guard lock(fanout::perRankMutex);
    ran = fanout::perRank;
  }
  ASSERT_EQ(ran.size(), 1u);
  for (int r = 0; r != kRanks; ++r) {
    if (ran.contains(r)) continue;  // the rank that ran the item
    // 1% of the run, and 10 ms for the start (and a loaded machine).
    EXPECT_LT(cpu[static_cast<std::size_t>(r)], 0.01 * wall + 0.010)
        << "rank " << r << ": " << cpu[static_cast<std::size_t>(r)] << " s of CPU in " << wall << " s";
  }
  fanout::reset();
}

}  // namespace
}  // namespace jstest
