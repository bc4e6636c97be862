// Linear pipelines give exactly the expected multiset of results at any
// number of ranks and threads: T, optional and Multiple returns, result,
// finish (after two inits, in order), serial stages and the default printer.
#include <gtest/gtest.h>

#include <sstream>

#include "test_pipelines.hpp"

namespace jstest {
namespace {

struct Shape {
  int ranks;
  int threads;
};

class LinearPipeline : public ::testing::TestWithParam<Shape> {};

TEST_P(LinearPipeline, ResultStageSeesEveryItemOnceOnRankZero) {
  const auto [ranks, threads] = GetParam();
  linear::recorded().clear();
  const std::vector<int> inputs = range(-500, 2500);
  LoopbackRun run = runLoopback(linear::pipeline, ranks, threads, batchOf(inputs));
  ASSERT_TRUE(allSucceeded(run));
  EXPECT_EQ(linear::recorded().sorted(), linear::expected(inputs));
  for (int r : linear::recorded().ranks()) EXPECT_EQ(r, 0);
  std::uint64_t finished = 0;
  for (const RunResult& r : run.ranks) finished += r.itemsFinished;
  // 3000 inputs, 9000 squared, and the 4500 even ones recorded.
  EXPECT_EQ(finished, 3000u + 9000u + 4500u);
}

TEST_P(LinearPipeline, FinishGetsAllItemsOnceAfterInitsInOrder) {
  const auto [ranks, threads] = GetParam();
  collect::finished().clear();
  collect::initOrder().clear();
  LoopbackRun run = runLoopback(collect::pipeline, ranks, threads, nullptr);
  ASSERT_TRUE(allSucceeded(run));
  ASSERT_EQ(collect::finished().size(), 1u);
  std::vector<int> got = collect::finished().front();
  std::sort(got.begin(), got.end());
  std::vector<int> want = range(1, 5001);
  want.insert(want.begin(), {-1, 0});
  EXPECT_EQ(got, want);
  EXPECT_EQ(collect::initOrder(), (std::vector<int>{1, 2}));
}

TEST_P(LinearPipeline, PrintsEveryStringItemOnceAndNeverOverlapsASerialStage) {
  const auto [ranks, threads] = GetParam();
  words::overlapped = false;
  std::vector<std::string> inputs;
  for (int i = 0; i != 300; ++i) inputs.push_back(std::string(static_cast<std::size_t>(i % 17), 'x') + "w" + std::to_string(i));
  ::testing::internal::CaptureStdout();
  LoopbackRun run = runLoopback(words::pipeline, ranks, threads, batchOf(inputs));
  const std::string out = ::testing::internal::GetCapturedStdout();
  ASSERT_TRUE(allSucceeded(run));
  std::vector<std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::vector<std::string> want;
  for (const std::string& w : inputs) want.push_back(w + ":" + std::to_string(w.size()));
  std::sort(lines.begin(), lines.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(lines, want);
  EXPECT_FALSE(words::overlapped.load());
}

TEST_P(LinearPipeline, VoidJobRunsEveryItem) {
  const auto [ranks, threads] = GetParam();
  fanout::reset();
  LoopbackRun run = runLoopback(fanout::pipeline, ranks, threads, batchOf(std::vector<int>{10, 200, 0, 3000}));
  ASSERT_TRUE(allSucceeded(run));
  EXPECT_EQ(fanout::leaves.load(), 3210);
}

TEST_P(LinearPipeline, NoItemsEndsAtOnce) {
  const auto [ranks, threads] = GetParam();
  linear::recorded().clear();
  LoopbackRun run = runLoopback(linear::pipeline, ranks, threads, nullptr);
  ASSERT_TRUE(allSucceeded(run));
  EXPECT_TRUE(linear::recorded().sorted().empty());
}

TEST_P(LinearPipeline, QueriesDescribeTheRun) {
  const auto [ranks, threads] = GetParam();
  // The result stage runs on rank 0; the leaf stage anywhere: both must see
  // the run's shape, and each rank its own number.
  fanout::reset();
  LoopbackRun run = runLoopback(fanout::pipeline, ranks, threads, batchOf(std::vector<int>{2000}));
  ASSERT_TRUE(allSucceeded(run));
  std::lock_guard lock(fanout::perRankMutex);
  for (const auto& [rank, count] : fanout::perRank) {
    EXPECT_GE(rank, 0);
    EXPECT_LT(rank, ranks);
  }
}

std::string shapeName(const ::testing::TestParamInfo<Shape>& info) {
  return std::to_string(info.param.ranks) + "ranks_" + std::to_string(info.param.threads) + "threads";
}

INSTANTIATE_TEST_SUITE_P(RanksByThreads, LinearPipeline,
                         ::testing::Values(Shape{1, 1}, Shape{1, 2}, Shape{1, 3}, Shape{2, 1}, Shape{2, 2},
                                           Shape{2, 3}, Shape{3, 1}, Shape{3, 2}, Shape{4, 1}, Shape{4, 3}),
                         shapeName);

TEST(Queries, OutsideARunDescribeOneProcess) {
  EXPECT_EQ(jobstream::rank(), 0);
  EXPECT_EQ(jobstream::rank_count(), 1);
  EXPECT_GE(jobstream::threads(), 1);
  EXPECT_EQ(jobstream::threads(), jobstream::total_threads());
}

}  // namespace
}  // namespace jstest
