// Load balancing: an uneven fan-out (one item makes many expensive ones on
// one rank) keeps every rank busy.
#include <gtest/gtest.h>

#include "test_pipelines.hpp"

namespace jstest {
namespace {

void expectEveryRankWorked(int ranks, int threads, LoopbackChaos chaos) {
  fanout::reset();
  fanout::leafMicros = 2000;  // a sleep, so the test does not depend on idle cores
  LoopbackRun run = runLoopback(fanout::pipeline, ranks, threads, batchOf(std::vector<int>{128}), chaos);
  ASSERT_TRUE(allSucceeded(run));
  EXPECT_EQ(fanout::leaves.load(), 128);
  std::lock_guard lock(fanout::perRankMutex);
  for (int r = 0; r != ranks; ++r) EXPECT_GT(fanout::perRank[r], 0) << "rank " << r << " got no work";
}

TEST(Stealing, UnevenFanOutReachesEveryRank) { expectEveryRankWorked(4, 1, {}); }
TEST(Stealing, UnevenFanOutReachesEveryRankWithThreads) { expectEveryRankWorked(3, 2, {}); }
TEST(Stealing, UnevenFanOutReachesEveryRankUnderChaos) { expectEveryRankWorked(4, 1, {true, 42, 500us}); }

TEST(Stealing, RankZeroStagesAreNeverGivenAway) {
  // Results pile up on rank 0 while the others ask it for work: they must
  // still all be recorded there.
  linear::recorded().clear();
  const std::vector<int> inputs = range(0, 20000);
  LoopbackRun run = runLoopback(linear::pipeline, 4, 1, batchOf(inputs));
  ASSERT_TRUE(allSucceeded(run));
  EXPECT_EQ(linear::recorded().sorted(), linear::expected(inputs));
  for (int r : linear::recorded().ranks()) ASSERT_EQ(r, 0);
}

}  // namespace
}  // namespace jstest
