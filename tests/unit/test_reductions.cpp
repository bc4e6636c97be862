// Reductions over loopback ranks: the same answers on one rank and on
// several, with and without random message delays, and never a hang.
#include <gtest/gtest.h>

#include "run_shapes.hpp"

namespace jstest {
namespace {

using namespace scoped;

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

TEST(Errors, AnExceptionInAReduceNamesItAndEndsTheRun) {
  expectFailureNaming(failing::reducePipeline, range(0, 500), "stage 'failing::unlucky' failed on rank");
}

}  // namespace
}  // namespace jstest
