// Termination under the loopback's chaos (random delays, any order, within
// one pair too), across many seeds: the run never ends early (every item is
// counted) and never hangs (the watchdog in runLoopback fails the test).
#include <gtest/gtest.h>

#include "test_pipelines.hpp"

namespace jstest {
namespace {

struct ChaosCase {
  int ranks;
  int threads;
};

class TerminationUnderChaos : public ::testing::TestWithParam<ChaosCase> {};

TEST_P(TerminationUnderChaos, EveryLeafRunsExactlyOnceOverManySeeds) {
  const auto [ranks, threads] = GetParam();
  std::uint64_t moved = 0;
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    fanout::reset();
    fanout::leafMicros = 5;  // slow enough that work spreads and moves
    LoopbackChaos chaos{true, seed * 7919 + static_cast<std::uint64_t>(ranks), 1500us};
    LoopbackRun run = runLoopback(fanout::pipeline, ranks, threads,
                                  batchOf(std::vector<int>{300, 0, 1, 40, 700, 2, 150}), chaos, 20s);
    ASSERT_TRUE(allSucceeded(run)) << "seed " << seed;
    ASSERT_EQ(fanout::leaves.load(), 1193) << "seed " << seed;
    for (const RunResult& r : run.ranks) moved += r.itemsReceived;
  }
  if (ranks > 1) {
    EXPECT_GT(moved, 0u) << "no work ever moved between ranks: the chaos test tested little";
  }
}

TEST_P(TerminationUnderChaos, ResultsInTransitToRankZeroAreAllCounted) {
  const auto [ranks, threads] = GetParam();
  for (std::uint64_t seed = 100; seed <= 110; ++seed) {
    linear::recorded().clear();
    const std::vector<int> inputs = range(0, 400);
    LoopbackRun run = runLoopback(linear::pipeline, ranks, threads, batchOf(inputs),
                                  LoopbackChaos{true, seed, 2000us}, 20s);
    ASSERT_TRUE(allSucceeded(run)) << "seed " << seed;
    ASSERT_EQ(linear::recorded().sorted(), linear::expected(inputs)) << "seed " << seed;
  }
}

TEST_P(TerminationUnderChaos, EmptyRunsEnd) {
  const auto [ranks, threads] = GetParam();
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    LoopbackRun run = runLoopback(linear::pipeline, ranks, threads, nullptr, LoopbackChaos{true, seed, 1000us}, 20s);
    ASSERT_TRUE(allSucceeded(run)) << "seed " << seed;
  }
}

std::string caseName(const ::testing::TestParamInfo<ChaosCase>& info) {
  return std::to_string(info.param.ranks) + "ranks_" + std::to_string(info.param.threads) + "threads";
}

INSTANTIATE_TEST_SUITE_P(Shapes, TerminationUnderChaos,
                         ::testing::Values(ChaosCase{1, 2}, ChaosCase{2, 1}, ChaosCase{3, 1}, ChaosCase{4, 1},
                                           ChaosCase{4, 2}, ChaosCase{7, 1}),
                         caseName);

}  // namespace
}  // namespace jstest
