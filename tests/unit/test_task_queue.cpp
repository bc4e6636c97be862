// The rank's queue: depth-first order, chunking, exclusive stages, giving
// work away from the back; and the adaptive chunk size.
#include <gtest/gtest.h>

#include "queue/chunk_sizer.hpp"
#include "queue/task_queue.hpp"
#include "test_pipelines.hpp"

namespace jstest {
namespace {

// Stages: 0 plain, 1 exclusive (serial), 2 pinned to rank 0.
StageRules rules() { return StageRules{{0, 1, 1}, {0, 0, 1}}; }

Task task(StageIndex stage, int first, int last) {
  auto batch = std::shared_ptr<BatchBase>(batchOf(range(first, last)));
  return Task{stage, 0, 0, batch, 0, static_cast<std::size_t>(last - first)};
}

int firstItem(const Task& t) { return static_cast<Batch<int>&>(*t.batch).items[t.begin]; }

TEST(TaskQueue, LocalWorkIsTakenDepthFirstInChunks) {
  Doorbell bell;
  TaskQueue queue(rules(), bell);
  queue.pushFront(task(0, 0, 10));
  queue.pushFront(task(0, 100, 103));  // made later, so taken first
  queue.pushBack({task(0, 1000, 1001)});  // from another rank: last
  EXPECT_EQ(queue.queuedItems(), 14u);
  auto four = [](StageIndex) { return std::size_t{4}; };
  auto a = queue.take(four);
  EXPECT_EQ(firstItem(*a), 100);
  EXPECT_EQ(a->size(), 3u);
  auto b = queue.take(four);
  EXPECT_EQ(firstItem(*b), 0);
  EXPECT_EQ(b->size(), 4u);
  auto c = queue.take(four);
  EXPECT_EQ(firstItem(*c), 4);
  EXPECT_EQ(queue.queuedItems(), 3u);
  EXPECT_EQ(queue.peakQueuedItems(), 14u);
}

TEST(TaskQueue, ExclusiveStageRunsOneChunkAtATime) {
  Doorbell bell;
  TaskQueue queue(rules(), bell);
  queue.pushFront(task(0, 0, 1));
  queue.pushFront(task(1, 10, 20));
  auto one = [](StageIndex) { return std::size_t{1}; };
  auto first = queue.take(one);
  EXPECT_EQ(first->stage, 1u);
  auto second = queue.take(one);  // stage 1 is busy: the plain task comes next
  EXPECT_EQ(second->stage, 0u);
  std::optional<Task> third;
  std::thread waiter([&] { third = queue.take(one); });
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(third.has_value());
  EXPECT_EQ(queue.idleWorkers(), 1);
  queue.done(*first);
  waiter.join();
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(firstItem(*third), 11);
}

TEST(TaskQueue, GivesHalfFromTheBackSplittingAndKeepingPinnedWork) {
  Doorbell bell;
  TaskQueue queue(rules(), bell);
  queue.pushFront(task(0, 0, 10));
  queue.pushBack({task(2, 50, 60)});  // pinned, at the very back
  EXPECT_EQ(queue.stealableItems(), 10u);
  std::vector<Task> given = queue.giveAway(4);
  ASSERT_EQ(given.size(), 1u);
  EXPECT_EQ(given[0].stage, 0u);
  EXPECT_EQ(firstItem(given[0]), 6);  // the tail of the range
  EXPECT_EQ(given[0].size(), 4u);
  EXPECT_EQ(queue.queuedItems(), 16u);
  EXPECT_EQ(queue.stealableItems(), 6u);
  auto all = [](StageIndex) { return std::size_t{100}; };
  auto rest = queue.take(all);
  EXPECT_EQ(firstItem(*rest), 0);
  EXPECT_EQ(rest->size(), 6u);
  EXPECT_TRUE(queue.giveAway(10).empty());  // only pinned work is left
}

TEST(TaskQueue, StopReleasesWaitingWorkers) {
  Doorbell bell;
  TaskQueue queue(rules(), bell);
  std::thread waiter([&] { EXPECT_FALSE(queue.take([](StageIndex) { return std::size_t{1}; })); });
  std::this_thread::sleep_for(10ms);
  queue.stop();
  waiter.join();
}

TEST(ChunkSizer, GrowsForCheapItemsAndShrinksForExpensiveOnes) {
  ChunkSizer sizer(2);
  EXPECT_EQ(sizer(0), 1u);
  for (int i = 0; i != 10; ++i) sizer.record(0, sizer(0), 0, sizer(0) * 2);  // 2 ns per item
  EXPECT_EQ(sizer(0), ChunkSizer::kMaxChunk);
  sizer.record(0, 100, 0, 100 * 2'000'000);  // 2 ms per item
  EXPECT_EQ(sizer(0), 1u);
  // Growth is bounded per step.
  sizer.record(1, 1, 0, 1);
  EXPECT_EQ(sizer(1), ChunkSizer::kMaxGrowth);
  // A stage that fans out 1000x takes few items at once.
  for (int i = 0; i != 10; ++i) sizer.record(1, sizer(1), sizer(1) * 1000, sizer(1) * 10);
  EXPECT_EQ(sizer(1), ChunkSizer::kMaxOutputs / 1000);
}

}  // namespace
}  // namespace jstest
