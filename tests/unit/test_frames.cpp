// Frames over loopback ranks: every instance ends with its own store, on one
// rank and on several, with and without random message delays, never a hang.
#include <gtest/gtest.h>

#include "run_shapes.hpp"

namespace jstest {
namespace {

using namespace scoped;

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

TEST(Errors, AnExceptionInAFrameEndNamesItAndEndsTheRun) {
  expectFailureNaming(failing::framePipeline, {2, 5, 9}, "stage 'failing::addOrThrow' failed on rank");
}

}  // namespace
}  // namespace jstest
