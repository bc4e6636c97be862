// Reductions and frames over loopback ranks: the same answers on one rank
// and on several, with and without random message delays, and never a hang.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "scope.hpp"
#include "scope_pipelines.hpp"

namespace jstest {
namespace {

using namespace scoped;

struct Shape {
  int ranks;
  int threads;
  bool chaos;
};

const Shape kShapes[] = {{1, 1, false}, {1, 3, false}, {2, 2, false}, {4, 1, false}, {3, 2, true}, {4, 2, true}};

std::string describe(const Shape& shape) {
  return std::to_string(shape.ranks) + " ranks x " + std::to_string(shape.threads) + " threads" +
         (shape.chaos ? ", chaos" : "");
}

LoopbackRun runShape(const PipelineDef& pipeline, const Shape& shape, std::unique_ptr<BatchBase> items,
                     std::uint64_t seed = 7) {
  LoopbackChaos chaos;
  if (shape.chaos) chaos = LoopbackChaos{true, seed, 300us};
  return runLoopback(pipeline, shape.ranks, shape.threads, std::move(items), chaos);
}

TEST(Reduce, TopLevelReduceEmitsOnceWithEverything) {
  for (const Shape& shape : kShapes) {
    SCOPED_TRACE(describe(shape));
    mean::recorded().clear();
    LoopbackRun run = runShape(mean::pipeline, shape, batchOf(range(1, 5001)));
    ASSERT_TRUE(allSucceeded(run)) << run.ranks[0].error;
    EXPECT_EQ(mean::recorded().sorted(), std::vector<std::string>{std::to_string(5000LL * 5001) + "/5000"});
  }
}

TEST(Reduce, NoItemStillEmitsAValueInitialisedStoreOnce) {
  for (const Shape& shape : kShapes) {
    SCOPED_TRACE(describe(shape));
    mean::recorded().clear();
    LoopbackRun run = runShape(mean::pipeline, shape, nullptr);
    ASSERT_TRUE(allSucceeded(run)) << run.ranks[0].error;
    EXPECT_EQ(mean::recorded().sorted(), std::vector<std::string>{"0/0"});
  }
}

TEST(Reduce, PipelineGoesOnAfterAReduceIntoAnother) {
  for (const Shape& shape : kShapes) {
    SCOPED_TRACE(describe(shape));
    chain::recorded().clear();
    LoopbackRun run = runShape(chain::pipeline, shape, batchOf(range(0, 3000)));
    ASSERT_TRUE(allSucceeded(run)) << run.ranks[0].error;
    const long long sum = 2999LL * 3000 / 2;
    EXPECT_EQ(chain::recorded().sorted(), std::vector<long long>{(3 * sum + 3) * 1000 + 3});
  }
  chain::recorded().clear();
  LoopbackRun empty = runShape(chain::pipeline, kShapes[3], nullptr);
  ASSERT_TRUE(allSucceeded(empty));
  EXPECT_EQ(chain::recorded().sorted(), std::vector<long long>{3 * 1000 + 3});
}

TEST(Reduce, WhatAReduceReturnsIsWaitedFor) {
  for (const Shape& shape : kShapes) {
    SCOPED_TRACE(describe(shape));
    countdown::recorded().clear();
    LoopbackRun run = runShape(countdown::pipeline, shape, batchOf(std::vector<int>{300, 5, 0, 1000}));
    ASSERT_TRUE(allSucceeded(run)) << run.ranks[0].error;
    long long count = 0, sum = 0;
    for (long long x : {300LL, 5LL, 0LL, 1000LL}) {
      count += x + 1;
      sum += x * (x + 1) / 2;
    }
    EXPECT_EQ(countdown::recorded().sorted(), std::vector<long long>{count * 1000000 + sum});
  }
}

TEST(Frame, SumThroughEndsEachInstanceWithItsSum) {
  for (const Shape& shape : kShapes) {
    SCOPED_TRACE(describe(shape));
    sum_through::recorded().clear();
    LoopbackRun run = runShape(sum_through::pipeline, shape, batchOf(std::vector<int>{4, 5, 8}));
    ASSERT_TRUE(allSucceeded(run)) << run.ranks[0].error;
    EXPECT_EQ(sum_through::recorded().sorted(), (std::vector<std::string>{"4: 10", "5: 15", "8: 36"}));
  }
}

TEST(Frame, ReduceInABodyReducesEachGenerationOfEachInstance) {
  for (const Shape& shape : kShapes) {
    SCOPED_TRACE(describe(shape));
    rounds::recorded().clear();
    LoopbackRun run = runShape(rounds::pipeline, shape, batchOf(range(1, 201)));
    ASSERT_TRUE(allSucceeded(run)) << run.ranks[0].error;
    std::vector<std::string> expected;
    for (long long n = 1; n <= 200; ++n)
      expected.push_back(std::to_string(n) + ":3:" + std::to_string(3 * n * (n + 1) * (2 * n + 1) / 6));
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(rounds::recorded().sorted(), expected);
  }
}

TEST(Frame, NestedFramesEachEndWithTheirOwnStore) {
  for (const Shape& shape : kShapes) {
    SCOPED_TRACE(describe(shape));
    nested::recorded().clear();
    LoopbackRun run = runShape(nested::pipeline, shape, batchOf(std::vector<int>{1, 7, 30}));
    ASSERT_TRUE(allSucceeded(run)) << run.ranks[0].error;
    std::vector<long long> expected;
    for (long long n : {1LL, 7LL, 30LL}) expected.push_back(n * 1000000 + n * (n + 1) * (n + 2) / 6);
    EXPECT_EQ(nested::recorded().sorted(), expected);
  }
}

TEST(Frame, ManySeedsOfChaosNeverFireEarlyOrHang) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE(seed);
    rounds::recorded().clear();
    LoopbackRun run = runShape(rounds::pipeline, Shape{3, 2, true}, batchOf(range(1, 41)), seed);
    ASSERT_TRUE(allSucceeded(run)) << run.ranks[0].error;
    EXPECT_EQ(rounds::recorded().sorted().size(), 40u);
    mean::recorded().clear();
    run = runShape(mean::pipeline, Shape{4, 1, true}, batchOf(range(1, 101)), seed);
    ASSERT_TRUE(allSucceeded(run)) << run.ranks[0].error;
    EXPECT_EQ(mean::recorded().sorted(), std::vector<std::string>{"10100/100"});
  }
}

void expectFailureNaming(const PipelineDef& pipeline, std::vector<int> items, const std::string& expected) {
  for (const Shape& shape : kShapes) {
    SCOPED_TRACE(describe(shape));
    LoopbackRun run = runShape(pipeline, shape, batchOf(items));
    ASSERT_FALSE(run.timedOut);
    bool named = false;
    for (const RunResult& rank : run.ranks) {
      EXPECT_NE(rank.exitCode, 0);
      if (rank.error.find(expected) != std::string::npos) named = true;
    }
    EXPECT_TRUE(named) << "no rank reported: " << expected;
  }
}

TEST(Errors, AnExceptionInAReduceNamesItAndEndsTheRun) {
  expectFailureNaming(failing::reducePipeline, range(0, 500), "stage 'failing::unlucky' failed on rank");
}

TEST(Errors, AnExceptionInAFrameEndNamesItAndEndsTheRun) {
  expectFailureNaming(failing::framePipeline, {2, 5, 9}, "stage 'failing::addOrThrow' failed on rank");
}

TEST(KeyedCounters, RetiringDropsExactlyTheRetiredKeys) {
  KeyedCounters counters;
  for (std::uint32_t gen = 0; gen != 2; ++gen)
    for (std::uint32_t region = 0; region != 3; ++region) counters.created(ScopeKey{5, gen, region}, 1);
  counters.created(ScopeKey{9, 0, 0}, 1);
  counters.created(ScopeKey{0, 0, 0}, 1);
  counters.retire({Retire{5, 1, 1}, Retire{9, Retire::kAllGens, 0}});
  CountsMap left;
  counters.addTo(left);
  std::vector<std::tuple<std::uint64_t, std::uint32_t, std::uint32_t>> keys;
  for (const auto& [key, counts] : left) keys.emplace_back(key.scope, key.gen, key.region);
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::tuple<std::uint64_t, std::uint32_t, std::uint32_t>>{
                      {0, 0, 0}, {5, 0, 0}, {5, 0, 1}, {5, 0, 2}, {5, 1, 2}}));
  EXPECT_EQ(counters.total().created, 8u);  // totals are what was ever counted
}

TEST(ScopeTracker, TopLevelWithoutReducesEndsOnTheFirstQuietPair) {
  ScopeTracker tracker(mean::pipeline);
  CountsMap sums;
  sums[ScopeKey{0, 0, 0}] = Counts{10, 4};
  Actions actions = tracker.evaluate(1, sums);
  EXPECT_TRUE(actions.fires.empty());
  sums[ScopeKey{0, 0, 0}] = Counts{10, 10};
  // F_1 = 4 != C_2 = 10: not yet, even though this wave looks quiet.
  actions = tracker.evaluate(2, sums);
  EXPECT_TRUE(actions.fires.empty());
  actions = tracker.evaluate(3, sums);
  ASSERT_EQ(actions.fires.size(), 1u);
  EXPECT_EQ(actions.fires[0].reduce, 1u);
  EXPECT_FALSE(tracker.done());
  tracker.fired(actions.fires[0], false, 4);
  sums[ScopeKey{0, 0, 1}] = Counts{1, 0};  // what the reduce emitted
  // The wave that carried the fire cannot judge the next region.
  actions = tracker.evaluate(4, sums);
  EXPECT_FALSE(tracker.done());
  ASSERT_EQ(actions.retires.size(), 1u);
  sums.erase(ScopeKey{0, 0, 0});
  sums[ScopeKey{0, 0, 1}] = Counts{1, 1};
  tracker.evaluate(5, sums);
  EXPECT_FALSE(tracker.done());
  tracker.evaluate(6, sums);
  EXPECT_TRUE(tracker.done());
}

}  // namespace
}  // namespace jstest
