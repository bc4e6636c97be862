// The loopback transport (with and without chaos) and the wire format.
#include <gtest/gtest.h>

#include <set>

#include "test_pipelines.hpp"
#include "wire.hpp"

namespace jstest {
namespace {

std::vector<char> bytesOf(int value) {
  std::vector<char> bytes(sizeof value);
  std::memcpy(bytes.data(), &value, sizeof value);
  return bytes;
}

int valueOf(const Message& m) {
  int value = 0;
  std::memcpy(&value, m.bytes.data(), sizeof value);
  return value;
}

// Polls until `count` messages arrived or a deadline passed.
std::vector<Message> receive(LoopbackTransport& t, std::size_t count) {
  std::vector<Message> got;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (got.size() < count && std::chrono::steady_clock::now() < deadline) {
    if (auto m = t.poll()) {
      got.push_back(std::move(*m));
    } else {
      std::this_thread::sleep_for(20us);
    }
  }
  return got;
}

TEST(LoopbackTransport, DeliversInOrderWithoutChaos) {
  auto hub = std::make_shared<LoopbackHub>(3);
  LoopbackTransport a(hub, 0), b(hub, 1), c(hub, 2);
  EXPECT_EQ(b.rank(), 1);
  EXPECT_EQ(b.size(), 3);
  for (int i = 0; i != 100; ++i) a.send(2, 7, bytesOf(i));
  b.send(2, 8, bytesOf(-1));
  std::vector<Message> got = receive(c, 101);
  ASSERT_EQ(got.size(), 101u);
  for (int i = 0; i != 100; ++i) {
    EXPECT_EQ(got[static_cast<std::size_t>(i)].source, 0);
    EXPECT_EQ(got[static_cast<std::size_t>(i)].tag, 7);
    EXPECT_EQ(valueOf(got[static_cast<std::size_t>(i)]), i);
  }
  EXPECT_EQ(got[100].source, 1);
  EXPECT_FALSE(c.poll());
  EXPECT_FALSE(a.poll());
}

TEST(LoopbackTransport, ChaosDelaysAndReordersButDeliversEachMessageOnce) {
  int reorderedSeeds = 0;
  for (std::uint64_t seed = 1; seed != 11; ++seed) {
    auto hub = std::make_shared<LoopbackHub>(2, LoopbackChaos{true, seed, 500us});
    LoopbackTransport a(hub, 0), b(hub, 1);
    for (int i = 0; i != 200; ++i) a.send(1, 1, bytesOf(i));
    std::vector<Message> got = receive(b, 200);
    ASSERT_EQ(got.size(), 200u);
    std::vector<int> order;
    for (const Message& m : got) order.push_back(valueOf(m));
    if (!std::is_sorted(order.begin(), order.end())) ++reorderedSeeds;
    std::sort(order.begin(), order.end());
    EXPECT_EQ(order, range(0, 200));
    EXPECT_EQ(hub->inFlight(), 0u);
  }
  EXPECT_EQ(reorderedSeeds, 10);  // within one pair, too
}

TEST(LoopbackTransport, SumOverRanksAndAbort) {
  auto hub = std::make_shared<LoopbackHub>(3);
  std::vector<std::int64_t> sums(3);
  std::vector<std::thread> ranks;
  for (int r = 0; r != 3; ++r)
    ranks.emplace_back([&, r] {
      LoopbackTransport t(hub, r);
      sums[static_cast<std::size_t>(r)] = t.sumOverRanks(r + 1) + t.sumOverRanks(10);
    });
  for (auto& t : ranks) t.join();
  EXPECT_EQ(sums, (std::vector<std::int64_t>{36, 36, 36}));

  // A rank waiting for the others is released by an abort.
  std::thread waiter([&] {
    LoopbackTransport t(hub, 0);
    EXPECT_THROW(t.sumOverRanks(1), std::runtime_error);
  });
  std::this_thread::sleep_for(10ms);
  LoopbackTransport(hub, 2).abort(1);
  waiter.join();
  EXPECT_TRUE(LoopbackTransport(hub, 1).aborted());
}

TEST(Wire, TasksRoundTripWithRangesAndStages) {
  auto ints = std::shared_ptr<BatchBase>(batchOf(range(0, 100)));
  auto longs = std::shared_ptr<BatchBase>(batchOf(std::vector<long long>{5, 6, 7}));
  std::vector<Task> tasks{{1, 0, 0, ints, 10, 20}, {3, (7ull << 48) | 5, 3, longs, 0, 3}, {0, 0, 0, ints, 99, 100}};
  const std::vector<char> bytes = encodeTasks(linear::pipeline, tasks);
  EXPECT_EQ(static_cast<std::uint8_t>(bytes[0]), kWireMagic);
  std::vector<Task> back = decodeTasks(linear::pipeline, bytes);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[0].stage, 1u);
  const auto& first = static_cast<Batch<int>&>(*back[0].batch).items;
  EXPECT_EQ(std::vector<int>(first.begin(), first.end()), range(10, 20));
  EXPECT_EQ(back[0].begin, 0u);
  EXPECT_EQ(back[0].end, 10u);
  EXPECT_EQ(back[1].scope, (7ull << 48) | 5);
  EXPECT_EQ(back[1].gen, 3u);
  EXPECT_EQ(static_cast<Batch<long long>&>(*back[1].batch).items, (Items<long long>{5, 6, 7}));
  EXPECT_EQ(static_cast<Batch<int>&>(*back[2].batch).items, Items<int>{99});
}

TEST(Wire, RefusesForeignVersionsAndCorruption) {
  std::vector<Task> tasks{{1, 0, 0, std::shared_ptr<BatchBase>(batchOf(range(0, 4))), 0, 4}};
  std::vector<char> bytes = encodeTasks(linear::pipeline, tasks);
  std::vector<char> foreign = bytes;
  foreign[0] = 'x';
  EXPECT_THROW(decodeTasks(linear::pipeline, foreign), std::runtime_error);
  std::vector<char> newer = bytes;
  newer[1] = static_cast<char>(kWireVersion + 1);
  EXPECT_THROW(decodeTasks(linear::pipeline, newer), std::runtime_error);
  std::vector<char> noStage = bytes;
  noStage[6] = 42;  // the first task's stage
  EXPECT_THROW(decodeTasks(linear::pipeline, noStage), std::runtime_error);
  std::vector<char> longer = bytes;
  longer.push_back(0);
  EXPECT_THROW(decodeTasks(linear::pipeline, longer), std::runtime_error);
  bytes.pop_back();
  EXPECT_THROW(decodeTasks(linear::pipeline, bytes), std::runtime_error);

  WaveReply wave;
  wave.wave = 3;
  wave.counts[ScopeKey{0, 0, 1}] = Counts{100, 90};
  wave.recalls.emplace_back(7, true);
  const WaveReply back = decodeWaveReply(linear::pipeline, {}, encodeWaveReply(linear::pipeline, {}, wave));
  EXPECT_EQ(back.wave, 3u);
  ASSERT_EQ(back.counts.size(), 1u);
  EXPECT_EQ(back.counts.at(ScopeKey{0, 0, 1}).created, 100u);
  EXPECT_EQ(back.counts.at(ScopeKey{0, 0, 1}).finished, 90u);
  ASSERT_EQ(back.recalls.size(), 1u);
  EXPECT_TRUE(back.recalls[0].second);
  WaveRequest request;
  request.wave = 4;
  request.actions.recalls.push_back(9);
  request.actions.retires.push_back(Retire{9, 2, 1});
  const WaveRequest requestBack = decodeWaveRequest(linear::pipeline, encodeWaveRequest(request));
  EXPECT_EQ(requestBack.wave, 4u);
  EXPECT_EQ(requestBack.actions.recalls, std::vector<std::uint64_t>{9});
  ASSERT_EQ(requestBack.actions.retires.size(), 1u);
  EXPECT_EQ(requestBack.actions.retires[0].gen, 2u);
  // A reply read as a request, and a fire order for a stage that is no reduce.
  EXPECT_THROW(decodeWaveRequest(linear::pipeline, encodeWaveReply(linear::pipeline, {}, wave)), std::runtime_error);
  request.actions.fires.push_back(FireOrder{ScopeKey{}, 1});
  EXPECT_THROW(decodeWaveRequest(linear::pipeline, encodeWaveRequest(request)), std::runtime_error);
  EXPECT_NO_THROW(decodeSignal(encodeSignal()));
}

}  // namespace
}  // namespace jstest
