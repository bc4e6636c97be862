// The loopback transport, with and without chaos.
#include <gtest/gtest.h>

#include <set>

#include "test_pipelines.hpp"

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

}  // namespace
}  // namespace jstest
