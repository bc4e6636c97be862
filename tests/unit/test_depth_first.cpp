// Depth-first order keeps memory bounded: fanning 1000 items out to 1000
// each never queues more than a small fraction of the million leaves.
#include <gtest/gtest.h>

#include "test_pipelines.hpp"

namespace jstest {
namespace {

void expectBoundedQueue(int ranks, int threads) {
  fanout::reset();
  LoopbackRun run = runLoopback(fanout::pipeline, ranks, threads, batchOf(std::vector<int>(1000, 1000)));
  ASSERT_TRUE(allSucceeded(run));
  EXPECT_EQ(fanout::leaves.load(), 1'000'000);
  for (const RunResult& r : run.ranks) {
    EXPECT_LT(r.peakQueuedItems, 100'000u) << "breadth-first: the fan-out was queued, not processed";
    EXPECT_GT(r.peakQueuedItems, 0u);
  }
}

TEST(DepthFirst, FanOutKeepsTheQueueShortOnOneRank) { expectBoundedQueue(1, 2); }
TEST(DepthFirst, FanOutKeepsTheQueueShortOnTwoRanks) { expectBoundedQueue(2, 1); }

}  // namespace
}  // namespace jstest
