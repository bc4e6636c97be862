// The rank's queue: depth-first order, chunking, exclusive stages, giving
// work away from the back, lazy sources; and the adaptive chunk size.
#include <gtest/gtest.h>

#include <ranges>

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
const Items<int>& intsOf(const BatchBase& batch) { return static_cast<const Batch<int>&>(batch).items; }

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

// A jobstream::Lazy of `items` ints for stage `stage`, counted in `counters`.
std::shared_ptr<QueuedSource> source(StageIndex stage, int items, KeyedCounters& counters) {
  jobstream::Lazy<int> lazy(std::views::iota(0, items));
  return std::make_shared<QueuedSource>(LazyAccess::take(lazy),
                                  QueuedSource::Place{7, stage, &itemTypeOf<int>, &counters, ScopeKey{0, 0, 0}});
}

Counts countsOf(KeyedCounters& counters) {
  CountsMap map;
  counters.addTo(map);
  return map[ScopeKey{0, 0, 0}];
}

TEST(TaskQueue, ASourceIsDrawnByOneWorkerAtATimeAndLeavesOnceEnded) {
  Doorbell bell;
  TaskQueue queue(rules(), bell);
  KeyedCounters counters;
  queue.pushFront(Task::of(source(0, 10, counters)));
  EXPECT_EQ(countsOf(counters).created, 1u) << "the source counts as one unfinished item";
  EXPECT_EQ(queue.queuedItems(), 0u);
  EXPECT_EQ(queue.openSources(), 1u);
  EXPECT_EQ(queue.stealableItems(), 10u);
  auto four = [](StageIndex) { return std::size_t{4}; };
  EXPECT_EQ(queue.queuedChunks(four), 3u);
  auto a = queue.take(four);
  ASSERT_TRUE(a && a->source);
  EXPECT_EQ(a->size(), 4u) << "a chunk of a source: the items to draw";
  queue.pushFront(task(0, 100, 101));
  auto b = queue.take(four);  // the source is being drawn: the next task comes instead
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->source);
  std::optional<Task> waited;
  std::thread waiter([&] { waited = queue.take(four); });
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(waited.has_value()) << "a second worker drew from a source being drawn";
  std::shared_ptr<BatchBase> buffer;
  EXPECT_EQ(a->source->draw(buffer, a->size()), 4u);
  EXPECT_EQ(intsOf(*buffer), (Items<int>{0, 1, 2, 3}));
  queue.drawn(*a->source);
  waiter.join();
  ASSERT_TRUE(waited && waited->source);
  // The buffer is reused; drawing the rest ends the source.
  const BatchBase* memory = buffer.get();
  EXPECT_EQ(waited->source->draw(buffer, 100), 6u);
  EXPECT_EQ(buffer.get(), memory);
  EXPECT_EQ(intsOf(*buffer).front(), 4);
  EXPECT_TRUE(waited->source->ended());
  queue.drawn(*waited->source);
  EXPECT_EQ(queue.openSources(), 0u);
  const Counts counts = countsOf(counters);
  EXPECT_EQ(counts.created, 11u);
  EXPECT_EQ(counts.finished, 1u) << "the end closes the source's own count";
  EXPECT_EQ(counters.total().created, 10u) << "the source is not an item in the totals";
}

TEST(TaskQueue, GivesItemsDrawnFromASourceNeverTheSourceItself) {
  Doorbell bell;
  TaskQueue queue(rules(), bell);
  KeyedCounters counters;
  queue.pushFront(Task::of(source(0, 1000, counters)));
  queue.pushBack({task(0, 50, 53)});  // behind the source: given first
  queue.pushFront(task(0, 0, 5));     // in front of it: newer, kept
  std::vector<Task> given = queue.giveAway(100);
  ASSERT_EQ(given.size(), 2u);
  EXPECT_EQ(firstItem(given[0]), 50);
  EXPECT_FALSE(given[1].source);
  ASSERT_TRUE(given[1].batch);
  EXPECT_EQ(given[1].size(), 97u);
  EXPECT_EQ(firstItem(given[1]), 0);
  EXPECT_EQ(countsOf(counters).created, 98u) << "items drawn for a thief are counted created";
  EXPECT_EQ(queue.queuedItems(), 5u);
  EXPECT_EQ(queue.stealableItems(), 5u + 903u);
  // Now at the back, it is drawn to its end for a thief and leaves the
  // queue; the newer work in front of it stays.
  given = queue.giveAway(5000);
  ASSERT_EQ(given.size(), 1u);
  EXPECT_EQ(given[0].size(), 903u);
  EXPECT_EQ(queue.openSources(), 0u);
  EXPECT_EQ(countsOf(counters).finished, 1u);
  EXPECT_EQ(queue.stealableItems(), 5u);
}

// A source restored from a checkpoint is made again at its first draw,
// which skips the items drawn before; what it has left is what the whole
// range had left.
TEST(TaskQueue, ARestoredSourceIsRebuiltAtItsFirstDrawAndSkipsWhatWasDrawn) {
  Doorbell bell;
  TaskQueue queue(rules(), bell);
  KeyedCounters counters;
  int rebuilt = 0;
  auto rebuild = [&rebuilt]() -> std::unique_ptr<LazySource> {
    ++rebuilt;
    jobstream::Lazy<int> lazy(std::views::iota(0, 10));
    return LazyAccess::take(lazy);
  };
  queue.pushBack({Task::of(std::make_shared<QueuedSource>(
      rebuild, 4, QueuedSource::Place{7, 0, &itemTypeOf<int>, &counters, ScopeKey{0, 0, 0}}))});
  EXPECT_EQ(countsOf(counters).created, 0u) << "its open count came with the checkpoint's counters";
  EXPECT_EQ(queue.stealableItems(), 4u) << "before it is rebuilt, its size is unknown";
  EXPECT_TRUE(queue.giveAway(3).empty()) << "a thief does not wait for a rebuild";
  EXPECT_EQ(rebuilt, 0);
  auto chunk = queue.take([](StageIndex) { return std::size_t{2}; });
  ASSERT_TRUE(chunk && chunk->source);
  std::shared_ptr<BatchBase> buffer;
  EXPECT_EQ(chunk->source->draw(buffer, chunk->size()), 2u);
  EXPECT_EQ(rebuilt, 1);
  EXPECT_EQ(intsOf(*buffer), (Items<int>{4, 5}));
  queue.drawn(*chunk->source);
  EXPECT_EQ(chunk->source->remaining(), std::optional<std::uint64_t>(4));
  EXPECT_EQ(queue.stealableItems(), 4u);
  EXPECT_EQ(countsOf(counters).created, 2u);
}

TEST(TaskQueue, ASourceOfAPinnedStageStaysAndOneOfUnknownSizeCountsAsMuch) {
  Doorbell bell;
  TaskQueue queue(rules(), bell);
  KeyedCounters counters;
  queue.pushFront(Task::of(source(2, 10, counters)));
  EXPECT_EQ(queue.stealableItems(), 0u);
  EXPECT_TRUE(queue.giveAway(10).empty());
  int next = 0;
  jobstream::Lazy<int> endless([&next]() -> std::optional<int> { return next++; });
  queue.pushFront(Task::of(std::make_shared<QueuedSource>(
      LazyAccess::take(endless), QueuedSource::Place{7, 0, &itemTypeOf<int>, &counters, ScopeKey{0, 0, 0}})));
  // Thieves are told it holds as many as it has given so far (at least
  // one): a short source is not handed away whole at once.
  EXPECT_EQ(queue.stealableItems(), 1u);
  std::vector<Task> given = queue.giveAway(100);
  ASSERT_EQ(given.size(), 1u);
  EXPECT_EQ(given[0].size(), 100u);
  EXPECT_EQ(queue.stealableItems(), 100u);
  // Here it is work for ever: this rank does not run low.
  EXPECT_GE(queue.queuedChunks([](StageIndex) { return std::size_t{16384}; }), 1000u);
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
