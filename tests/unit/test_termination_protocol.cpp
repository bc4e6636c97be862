// Termination waves and the stop (termination/waves.hpp, shutdown.hpp) alone,
// over loopback ranks. Simulated work moves between ranks as messages of
// its own, with their delays: items are counted created when sent and
// finished when run, as the rank counts them. The waves must find the end,
// and never before it.
#include <gtest/gtest.h>

#include <random>

#include "messages/wire.hpp"
#include "protocol_ranks.hpp"
#include "termination/shutdown.hpp"
#include "termination/waves.hpp"
#include "test_pipelines.hpp"

namespace jstest {
namespace {

constexpr int kWorkTag = 1000;  // not a MessageKind: the simulated work's own
const ScopeKey kRun{0, 0, 0};   // linear has one region, at the top level

struct WaveRank final : WaveParticipant {
  explicit WaveRank(ProtocolRank& rank) : base(rank), waves(rank.tree, linear::pipeline, *this), shutdown(rank.tree) {}

  void arrived(const Actions& actions, WaveReply&) override { counters.retire(actions.retires); }
  bool departing(const Actions&, WaveReply& sums) override {
    counters.addTo(sums.counts);
    return true;
  }
  bool concluding(const Actions&, WaveReply&) override { return true; }

  ProtocolRank& base;
  KeyedCounters counters;
  Waves waves;
  Shutdown shutdown;
  std::size_t held = 0;  // items this rank has and has not run
};

struct Simulation {
  Simulation(int size, LoopbackChaos chaos, std::uint64_t seed, int budget)
      : hub(std::make_shared<LoopbackHub>(size, chaos)), bases(protocolRanks(hub)), random(seed), budget(budget) {
    for (auto& base : bases) ranks.push_back(std::make_unique<WaveRank>(*base));
  }

  // Sends `items` new items from `from` to a random rank.
  void send(WaveRank& from, std::size_t items) {
    from.counters.created(kRun, items);
    const int dest = static_cast<int>(random() % static_cast<std::uint64_t>(ranks.size()));
    from.base.transport.send(dest, kWorkTag, std::vector<char>(items, 'x'));
    inTransit += items;
  }

  void step(int r) {
    WaveRank& rank = *ranks[static_cast<std::size_t>(r)];
    while (std::optional<Message> message = rank.base.transport.poll()) {
      switch (message->tag) {
        case kWorkTag:
          rank.held += message->bytes.size();
          inTransit -= message->bytes.size();
          break;
        case static_cast<int>(MessageKind::waveRequest):
          rank.waves.onRequest(*message);
          break;
        case static_cast<int>(MessageKind::waveReply):
          rank.waves.onReply(*message);
          break;
        case static_cast<int>(MessageKind::stop):
          rank.shutdown.onStop(*message);
          break;
        case static_cast<int>(MessageKind::stopAck):
          rank.shutdown.onAcknowledged();
          break;
        case static_cast<int>(MessageKind::exit):
          rank.shutdown.onExit();
          break;
        default:
          FAIL() << "unexpected message kind " << message->tag;
      }
    }
    // Run one item; while the budget lasts, it makes 1 or 2 more.
    if (rank.held != 0) {
      const std::size_t made = budget > 0 ? std::min<std::size_t>(1 + random() % 2, static_cast<std::size_t>(budget)) : 0;
      budget -= static_cast<int>(made);
      if (made != 0) send(rank, made);
      --rank.held;
      rank.counters.finished(kRun, 1);
    }
    if (r == 0) {
      rank.waves.maybeStart(!rank.shutdown.stopping(), rank.held == 0);
      if (rank.waves.done() && !rank.shutdown.stopping()) {
        endSeen = true;
        workLeftAtEnd = inTransit;
        budgetAtEnd = budget;
        for (auto& each : ranks) workLeftAtEnd += each->held;
        rank.shutdown.begin();
      }
    }
    rank.shutdown.maybeAcknowledge(true);
  }

  bool allLeft() const {
    for (const auto& rank : ranks)
      if (!rank->shutdown.over()) return false;
    return true;
  }

  std::shared_ptr<LoopbackHub> hub;
  std::vector<std::unique_ptr<ProtocolRank>> bases;
  std::vector<std::unique_ptr<WaveRank>> ranks;
  std::mt19937_64 random;
  int budget;
  std::size_t inTransit = 0;
  bool endSeen = false;
  std::size_t workLeftAtEnd = 0;
  int budgetAtEnd = 0;
};

class TerminationProtocol : public ::testing::TestWithParam<std::tuple<int, bool, int>> {};

TEST_P(TerminationProtocol, TheEndIsFoundOnlyOnceEveryItemHasRun) {
  const auto [size, chaos, seed] = GetParam();
  Simulation sim(size, chaos ? chaosOf(static_cast<std::uint64_t>(seed)) : LoopbackChaos{},
                 static_cast<std::uint64_t>(seed), 3000);
  sim.send(*sim.ranks[0], 20);  // the initial items, counted before any wave
  ASSERT_TRUE(driveUntil(size, [&](int r) { sim.step(r); }, [&] { return sim.allLeft(); }));
  EXPECT_TRUE(sim.endSeen);
  EXPECT_EQ(sim.workLeftAtEnd, 0u) << "the waves declared the end with work left";
  EXPECT_EQ(sim.budgetAtEnd, 0) << "the end came before the work could have ended";
  EXPECT_EQ(sim.hub->inFlight(), 0u) << "a rank left with a message on its way to it";
  EXPECT_GT(sim.ranks[0]->waves.number(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, TerminationProtocol,
                         ::testing::Combine(::testing::Values(1, 2, 3, 6), ::testing::Bool(),
                                            ::testing::Values(1, 2, 3)));

// A rank that is not yet quiet (a steal of its own awaits an answer) holds
// back the acknowledgement of its whole subtree, and so everyone's exit.
TEST(ShutdownProtocol, AQuietRankIsWaitedFor) {
  auto hub = std::make_shared<LoopbackHub>(4, chaosOf(11));
  auto bases = protocolRanks(hub);
  std::vector<std::unique_ptr<Shutdown>> ranks;
  for (auto& base : bases) ranks.push_back(std::make_unique<Shutdown>(base->tree));
  bool rank3Quiet = false;
  const auto step = [&](int r) {
    Shutdown& rank = *ranks[static_cast<std::size_t>(r)];
    while (std::optional<Message> message = bases[static_cast<std::size_t>(r)]->transport.poll()) {
      switch (static_cast<MessageKind>(message->tag)) {
        case MessageKind::stop:
          rank.onStop(*message);
          break;
        case MessageKind::stopAck:
          rank.onAcknowledged();
          break;
        case MessageKind::exit:
          rank.onExit();
          break;
        default:
          FAIL() << "unexpected message kind " << message->tag;
      }
    }
    rank.maybeAcknowledge(r != 3 || rank3Quiet);
  };
  ranks[0]->begin();
  // Every rank hears of the stop, but nobody may leave while rank 3 is busy.
  const auto deadline = std::chrono::steady_clock::now() + 50ms;
  while (std::chrono::steady_clock::now() < deadline)
    for (int r = 0; r != 4; ++r) step(r);
  for (auto& rank : ranks) {
    EXPECT_TRUE(rank->stopping());
    EXPECT_FALSE(rank->over());
  }
  rank3Quiet = true;
  ASSERT_TRUE(driveUntil(4, step, [&] {
    for (auto& rank : ranks)
      if (!rank->over()) return false;
    return true;
  }));
  EXPECT_EQ(hub->inFlight(), 0u);
}

TEST(ShutdownProtocol, MessagesOutOfStepAreErrors) {
  auto hub = std::make_shared<LoopbackHub>(2);
  auto bases = protocolRanks(hub);
  Shutdown root(bases[0]->tree), leaf(bases[1]->tree);
  const Message stop{0, static_cast<int>(MessageKind::stop), encode(StopOrder{})};
  EXPECT_THROW(root.onStop(stop), std::runtime_error);      // rank 0 is never told
  EXPECT_THROW(leaf.onAcknowledged(), std::runtime_error);  // before any stop
  EXPECT_THROW(leaf.onExit(), std::runtime_error);          // before its own acknowledgement
  root.begin();
  EXPECT_THROW(root.begin(), std::runtime_error);
}

TEST(WaveProtocol, AReplyToNoWaveIsAnError) {
  auto hub = std::make_shared<LoopbackHub>(2);
  auto bases = protocolRanks(hub);
  WaveRank root(*bases[0]);
  WaveReply reply;
  reply.wave = 1;
  const Message message{1, static_cast<int>(MessageKind::waveReply), encode(reply, linear::pipeline, std::vector<FireOrder>{})};
  EXPECT_THROW(root.waves.onReply(message), std::runtime_error);
  const Message request{0, static_cast<int>(MessageKind::waveRequest), encode(WaveRequest{}, linear::pipeline)};
  EXPECT_THROW(root.waves.onRequest(request), std::runtime_error);  // rank 0 starts waves, never receives one
}

}  // namespace
}  // namespace jstest
