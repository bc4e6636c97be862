// The abandon protocol alone (abandon/abandon.hpp): ranks that exchanged
// messages end a failed run in order. Every message sent in the run is
// received before any rank leaves, every rank learns the failure, and the
// hub is empty after, so a next run meets nothing of this one. Ranks are
// stepped in turns by one thread, with chaos (delays and reordering).
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "abandon/abandon.hpp"
#include "messages/message_kind.hpp"
#include "protocol_ranks.hpp"

namespace jstest {
namespace {

constexpr int kChatter = 99;  // a message of the run that the failure abandons

struct AbandoningRank {
  AbandoningRank(std::shared_ptr<LoopbackHub> hub, int rank)
      : transport(std::move(hub), rank), counting(transport), abandon(counting) {}
  LoopbackTransport transport;
  CountingTransport counting;
  Abandon abandon;
  std::uint64_t dropped = 0;
};

std::vector<std::unique_ptr<AbandoningRank>> ranksOn(const std::shared_ptr<LoopbackHub>& hub) {
  std::vector<std::unique_ptr<AbandoningRank>> ranks;
  for (int r = 0; r != hub->size(); ++r) ranks.push_back(std::make_unique<AbandoningRank>(hub, r));
  return ranks;
}

// One step of a rank as Rank's loop does it: until it has begun, it chats
// (sends a few messages to random ranks) and handles what arrives; a notice
// makes it begin. Once begun, it drains.
void step(AbandoningRank& rank, std::mt19937& random, bool chat) {
  if (!rank.abandon.begun()) {
    if (chat && rank.counting.size() > 1) {
      std::uniform_int_distribution<int> peer(0, rank.counting.size() - 1);
      const int dest = peer(random);
      if (dest != rank.counting.rank()) rank.counting.send(dest, kChatter, std::vector<char>(16, 'x'));
    }
    while (std::optional<Message> message = rank.counting.poll()) {
      if (message->tag == static_cast<int>(MessageKind::abandon)) {
        rank.abandon.onNotice(*message);
      } else {
        ++rank.dropped;
      }
    }
    if (rank.abandon.heard()) rank.abandon.begin("");
    return;
  }
  if (rank.abandon.complete()) return;
  if (std::optional<Message> message = rank.counting.poll()) {
    if (message->tag == static_cast<int>(MessageKind::abandon)) rank.abandon.onNotice(*message);
  }
}

void runAbandon(int size, std::uint64_t seed, const std::vector<int>& failing, int chatterSteps) {
  SCOPED_TRACE("ranks " + std::to_string(size) + ", seed " + std::to_string(seed));
  auto hub = std::make_shared<LoopbackHub>(size, chaosOf(seed));
  auto ranks = ranksOn(hub);
  std::mt19937 random(static_cast<unsigned>(seed));
  for (int i = 0; i != chatterSteps; ++i)
    for (auto& rank : ranks) step(*rank, random, true);
  for (int r : failing) ranks[static_cast<std::size_t>(r)]->abandon.begin("rank " + std::to_string(r) + " failed");
  const bool over = driveUntil(
      size, [&](int r) { step(*ranks[static_cast<std::size_t>(r)], random, true); },
      [&] {
        for (auto& rank : ranks)
          if (!rank->abandon.complete()) return false;
        return true;
      });
  ASSERT_TRUE(over);
  // Nothing of the run is left anywhere: the next run starts clean.
  EXPECT_EQ(hub->inFlight(), 0u);
  for (int r = 0; r != size; ++r) {
    for (int peer = 0; peer != size; ++peer) {
      if (peer == r) continue;
      EXPECT_EQ(ranks[static_cast<std::size_t>(r)]->counting.receivedFrom(peer),
                ranks[static_cast<std::size_t>(peer)]->counting.sentTo(r))
          << "rank " << r << " from rank " << peer;
    }
  }
  // Every rank reports the lowest failed rank's error, or its own.
  const int lowest = *std::min_element(failing.begin(), failing.end());
  for (int r = 0; r != size; ++r) {
    const bool own = std::find(failing.begin(), failing.end(), r) != failing.end();
    EXPECT_EQ(ranks[static_cast<std::size_t>(r)]->abandon.error(),
              "rank " + std::to_string(own ? r : lowest) + " failed");
  }
}

TEST(AbandonProtocol, OneRankAloneCompletesAtOnce) {
  auto hub = std::make_shared<LoopbackHub>(1);
  AbandoningRank rank(hub, 0);
  rank.abandon.begin("it failed");
  EXPECT_TRUE(rank.abandon.complete());
  EXPECT_EQ(rank.abandon.error(), "it failed");
}

TEST(AbandonProtocol, EveryMessageOfTheRunIsReceivedBeforeTheEnd) {
  for (int size = 2; size <= 5; ++size)
    for (std::uint64_t seed = 1; seed <= 6; ++seed) runAbandon(size, seed, {size - 1}, 20);
}

TEST(AbandonProtocol, RankZeroFailing) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) runAbandon(3, seed, {0}, 10);
}

TEST(AbandonProtocol, SeveralRanksFailingAtOnceReportTheLowest) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) runAbandon(4, seed, {3, 1, 2}, 15);
}

TEST(AbandonProtocol, NoChatterBefore) {
  for (int size = 2; size <= 4; ++size) runAbandon(size, 7, {1}, 0);
}

// Drain is what Rank calls: it returns only once the rank's share is done.
TEST(AbandonProtocol, DrainWaitsForEveryNotice) {
  auto hub = std::make_shared<LoopbackHub>(2, chaosOf(3));
  AbandoningRank zero(hub, 0), one(hub, 1);
  for (int i = 0; i != 50; ++i) one.counting.send(0, kChatter, std::vector<char>(8, 'y'));
  zero.abandon.begin("zero failed");
  std::thread other([&] {
    while (!one.abandon.heard()) {
      if (std::optional<Message> message = one.counting.poll()) {
        if (message->tag == static_cast<int>(MessageKind::abandon)) one.abandon.onNotice(*message);
      }
    }
    one.abandon.begin("");
    one.abandon.drain([] { std::this_thread::yield(); });
  });
  zero.abandon.drain([] { std::this_thread::yield(); });
  other.join();
  EXPECT_EQ(zero.counting.receivedFrom(1), 51u);  // 50 dropped, then the notice
  EXPECT_EQ(one.abandon.error(), "zero failed");
  EXPECT_EQ(hub->inFlight(), 0u);
}

}  // namespace
}  // namespace jstest
