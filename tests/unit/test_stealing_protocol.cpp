// The stealing protocol alone (stealing/stealing.hpp), over loopback ranks
// without workers: the test takes items from each queue itself, so it knows
// every item's fate.
#include <gtest/gtest.h>

#include <numeric>

#include "messages/wire.hpp"
#include "protocol_ranks.hpp"
#include "stealing/stealing.hpp"
#include "test_pipelines.hpp"

namespace jstest {
namespace {

// linear: stage 0 (a job taking int) can go anywhere; stage 3 (its result)
// is pinned to rank 0.
StageRules linearRules() { return StageRules{{0, 0, 0, 1}, {0, 0, 0, 1}}; }

// Answers of a few pieces even for the tests' small queues.
constexpr StealingLimits kSmallPieces{.pieceBytes = 600, .answerBytes = 1 << 20};

struct StealingRank {
  explicit StealingRank(ProtocolRank& rank, StealingLimits limits = kSmallPieces)
      : base(rank),
        queue(linearRules(), doorbell),
        sizer(std::size(linear::stages)),
        stealing(rank.tree, queue, linear::pipeline, 1, tally, limits) {}

  // What arrived (at most `most` messages), as the rank's communication
  // thread handles it.
  void receive(bool allowed, int most = 1 << 30) {
    for (int i = 0; i != most; ++i) {
      std::optional<Message> message = base.transport.poll();
      if (!message) return;
      switch (static_cast<MessageKind>(message->tag)) {
        case MessageKind::stealRequest:
          decode<Signal>(message->bytes);
          stealing.answer(message->source, allowed);
          break;
        case MessageKind::stealRefused:
          decode<Signal>(message->bytes);
          stealing.refused();
          ++refusals;
          break;
        case MessageKind::stolenPart:
        case MessageKind::stolen: {
          const bool last = static_cast<MessageKind>(message->tag) == MessageKind::stolen;
          std::vector<Task> tasks = decode<std::vector<Task>>(message->bytes, linear::pipeline);
          std::size_t items = 0;
          for (const Task& task : tasks) items += task.size();
          queue.pushBack(std::move(tasks));
          ++tally.received;
          ++(last ? answers : parts);
          stealing.received(items, last);
          break;
        }
        default:
          FAIL() << "unexpected message kind " << message->tag;
      }
    }
  }
  // Runs one chunk, as a worker would.
  void runOne() {
    if (queue.queuedItems() == 0) return;
    std::optional<Task> chunk = queue.take(sizer);
    ASSERT_TRUE(chunk);
    if (chunk->stage == 3) ranPinned += chunk->size();
    ran += chunk->size();
    queue.done(*chunk);
  }

  ProtocolRank& base;
  Doorbell doorbell;
  TaskQueue queue;
  ChunkSizer sizer;
  WorkTally tally;
  Stealing stealing;
  std::size_t ran = 0;
  std::size_t ranPinned = 0;
  std::size_t refusals = 0;
  std::size_t parts = 0;    // stolenPart messages received
  std::size_t answers = 0;  // stolen messages received (the last piece of each answer)
};

Task taskOf(StageIndex stage, int items) {
  std::vector<int> values(static_cast<std::size_t>(items));
  std::iota(values.begin(), values.end(), 0);
  return Task{stage, 0, 0, std::shared_ptr<BatchBase>(batchOf(values)), 0, static_cast<std::size_t>(items)};
}

class StealingProtocol : public ::testing::TestWithParam<std::tuple<int, bool>> {};

// Rank 0 starts with every item and runs one a turn; the others steal. Every
// rank runs some, every item runs exactly once, and once nobody asks any
// more no message is left in flight.
TEST_P(StealingProtocol, WorkReachesEveryRankAndNothingIsLostOrDoubled) {
  const auto [size, chaos] = GetParam();
  auto hub = std::make_shared<LoopbackHub>(size, chaos ? chaosOf(7u + static_cast<unsigned>(size)) : LoopbackChaos{});
  auto bases = protocolRanks(hub);
  std::vector<std::unique_ptr<StealingRank>> ranks;
  for (auto& base : bases) ranks.push_back(std::make_unique<StealingRank>(*base));
  constexpr int kItems = 20000;
  ranks[0]->queue.pushBack({taskOf(0, kItems)});

  const auto total = [&] {
    std::size_t sum = 0;
    for (auto& rank : ranks) sum += rank->ran;
    return sum;
  };
  bool asking = true;
  const auto step = [&](int r) {
    StealingRank& rank = *ranks[static_cast<std::size_t>(r)];
    // One message a turn: a rank's worker, which never counts as idle here
    // (so the rank may give its last item), starts on stolen items before
    // the next request can take them away again.
    rank.receive(asking, 1);
    rank.runOne();
    if (r != 0) rank.runOne();  // thieves run faster, so they keep asking
    rank.stealing.maybeAsk(rank.sizer, asking);
  };
  ASSERT_TRUE(driveUntil(size, step, [&] { return total() == kItems; }))
      << "ran " << total() << " of " << kItems << "; messages in flight: " << hub->inFlight();
  asking = false;
  ASSERT_TRUE(driveUntil(size, step, [&] {
    for (auto& rank : ranks)
      if (rank->stealing.outstanding()) return false;
    return hub->inFlight() == 0;
  }));
  EXPECT_EQ(total(), static_cast<std::size_t>(kItems));
  std::uint64_t sent = 0, received = 0;
  for (auto& rank : ranks) {
    EXPECT_GT(rank->ran, 0u) << "rank " << rank->base.tree.rank() << " got no work";
    EXPECT_EQ(rank->queue.queuedItems(), 0u);
    sent += rank->tally.sent;
    received += rank->tally.received;
  }
  EXPECT_EQ(sent, received) << "every stolen message is counted once at each end";
  EXPECT_GT(sent, 0u);
}

INSTANTIATE_TEST_SUITE_P(Ranks, StealingProtocol,
                         ::testing::Values(std::tuple{2, false}, std::tuple{5, false}, std::tuple{2, true},
                                           std::tuple{5, true}));

// Items for a stage pinned to rank 0 stay there however often others ask.
TEST(StealingProtocolRules, PinnedItemsAreNeverGiven) {
  auto hub = std::make_shared<LoopbackHub>(3, chaosOf(3));
  auto bases = protocolRanks(hub);
  std::vector<std::unique_ptr<StealingRank>> ranks;
  for (auto& base : bases) ranks.push_back(std::make_unique<StealingRank>(*base));
  ranks[0]->queue.pushBack({taskOf(3, 500)});
  const auto step = [&](int r) {
    StealingRank& rank = *ranks[static_cast<std::size_t>(r)];
    rank.receive(true);
    rank.stealing.maybeAsk(rank.sizer, true);
  };
  ASSERT_TRUE(driveUntil(3, step, [&] { return ranks[1]->refusals >= 5 && ranks[2]->refusals >= 5; }));
  EXPECT_EQ(ranks[0]->queue.queuedItems(), 500u);
  EXPECT_EQ(ranks[0]->tally.sent, 0u);
}

// A rank that may not give (a pause, a stop) refuses; one that may not ask
// does not.
TEST(StealingProtocolRules, NothingMovesWhileNotAllowed) {
  auto hub = std::make_shared<LoopbackHub>(2);
  auto bases = protocolRanks(hub);
  StealingRank giver(*bases[0]), thief(*bases[1]);
  giver.queue.pushBack({taskOf(0, 1000)});
  thief.stealing.maybeAsk(thief.sizer, false);
  EXPECT_FALSE(thief.stealing.outstanding());
  thief.stealing.maybeAsk(thief.sizer, true);
  EXPECT_TRUE(thief.stealing.outstanding());
  giver.receive(false);
  thief.receive(true);
  EXPECT_EQ(thief.refusals, 1u);
  EXPECT_FALSE(thief.stealing.outstanding());
  EXPECT_EQ(giver.queue.queuedItems(), 1000u);
}

// An answer gives half of what can be stolen, in pieces of about the size
// asked; only its last piece (a stolen message) ends the request, and the
// thief can run the first pieces before it.
TEST(StealingProtocolRules, AnAnswerGivesHalfInPiecesAndOnlyTheLastEndsTheRequest) {
  auto hub = std::make_shared<LoopbackHub>(2);
  auto bases = protocolRanks(hub);
  StealingRank giver(*bases[0]), thief(*bases[1]);
  giver.queue.pushBack({taskOf(0, 10000)});
  thief.stealing.maybeAsk(thief.sizer, true);
  ASSERT_TRUE(thief.stealing.outstanding());
  giver.receive(true);
  EXPECT_EQ(giver.queue.queuedItems(), 5000u);
  std::size_t messages = 0;
  while (thief.answers == 0) {
    const std::size_t before = thief.queue.queuedItems();
    thief.receive(true, 1);
    ASSERT_GT(thief.queue.queuedItems(), before) << "message " << messages << " brought no items";
    ++messages;
    if (thief.answers == 0) {
      EXPECT_TRUE(thief.stealing.outstanding()) << "a piece before the last ended the request";
      thief.runOne();  // work starts before the answer is whole
    }
  }
  EXPECT_FALSE(thief.stealing.outstanding());
  EXPECT_EQ(thief.ran + thief.queue.queuedItems(), 5000u);
  EXPECT_GE(thief.parts, 5u) << "600-byte pieces of 5000 items";
  EXPECT_EQ(messages, thief.parts + 1);
  EXPECT_EQ(giver.tally.sent, messages);
  EXPECT_EQ(hub->inFlight(), 0u);

  // With much of the answer left, the thief does not ask yet; once it has
  // used half of it, it asks again, long before it runs dry.
  thief.stealing.maybeAsk(thief.sizer, true);
  EXPECT_FALSE(thief.stealing.outstanding());
  while (thief.queue.queuedItems() >= 2500) thief.runOne();
  thief.stealing.maybeAsk(thief.sizer, true);
  EXPECT_TRUE(thief.stealing.outstanding()) << thief.queue.queuedItems() << " items left";
}

// An answer stops at about its byte limit, short of half of a large queue.
TEST(StealingProtocolRules, AnAnswerStopsAtItsByteLimit) {
  auto hub = std::make_shared<LoopbackHub>(2);
  auto bases = protocolRanks(hub);
  constexpr StealingLimits limits{.pieceBytes = 600, .answerBytes = 3000};
  StealingRank giver(*bases[0], limits), thief(*bases[1], limits);
  giver.queue.pushBack({taskOf(0, 10000)});
  thief.stealing.maybeAsk(thief.sizer, true);
  giver.receive(true);
  thief.receive(true);
  EXPECT_EQ(thief.answers, 1u);
  const std::size_t given = thief.queue.queuedItems();
  EXPECT_GT(given, 0u);
  EXPECT_LT(given, 2000u) << "about 3000 bytes of int items, not half of 10000";
  EXPECT_EQ(giver.queue.queuedItems() + given, 10000u);
}

// An answer to no request means the ranks disagree: refused loudly.
TEST(StealingProtocolRules, AnAnswerNobodyAskedForIsAnError) {
  auto hub = std::make_shared<LoopbackHub>(2);
  auto bases = protocolRanks(hub);
  StealingRank rank(*bases[1]);
  EXPECT_THROW(rank.stealing.refused(), std::runtime_error);
  EXPECT_THROW(rank.stealing.received(10, true), std::runtime_error);
  EXPECT_NO_THROW(rank.stealing.received(10, false)) << "a piece that overtook the last of its answer";
}

}  // namespace
}  // namespace jstest
