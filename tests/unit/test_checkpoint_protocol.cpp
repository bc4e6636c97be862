// The checkpoint protocol alone (checkpoint/coordinator.hpp), over loopback
// ranks stepped in turns: a snapshot is taken only once no work message is
// in flight, every rank's state reaches the file, every rank resumes once,
// and a resumed run's shares reach their ranks.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "checkpoint/coordinator.hpp"
#include "protocol_ranks.hpp"
#include "test_pipelines.hpp"

namespace jstest {
namespace {

namespace fs = std::filesystem;

constexpr int kWorkTag = 1000;  // simulated work messages: not a MessageKind

struct World;

struct CheckpointRank final : CheckpointParticipant {
  CheckpointRank(ProtocolRank& rank, World& world, const std::string& file)
      : base(rank), world(world), checkpoints(rank.tree, linear::pipeline, *this, file, 0.001, result, kLimits) {}

  // Small, so that each rank's state travels in many pieces.
  static constexpr CheckpointLimits kLimits{100, 400};

  void hold() override { held = true; }
  bool still() override { return busyTurns == 0; }
  WorkTally settle() override { return tally; }
  RankState state() override;
  GlobalState globalState() override {
    GlobalState global;
    global.wave = 7;
    global.tracker = ScopeTracker(linear::pipeline).save();
    return global;
  }
  void resume() override {
    held = false;
    ++resumed;
  }
  void restoreSection(const CheckpointSection& section) override {
    EXPECT_FALSE(restoredAll) << "a section after the share was whole";
    GlobalState global;
    decodeSection(linear::pipeline, section, restored, base.tree.root() ? &global : nullptr);
  }
  void restoreDone() override { restoredAll = true; }
  void written(int count) override { writtenCount = count; }

  ProtocolRank& base;
  World& world;
  RunResult result;
  Checkpoints checkpoints;
  WorkTally tally;
  bool held = false;
  int busyTurns = 0;  // turns its workers still need to finish their chunks once held
  int resumed = 0;
  int snapshots = 0;
  int writtenCount = 0;
  RankState restored;  // what its share held
  bool restoredAll = false;
};

struct World {
  World(int size, LoopbackChaos chaos, const std::string& file) : hub(std::make_shared<LoopbackHub>(size, chaos)) {
    bases = protocolRanks(hub);
    for (auto& base : bases) ranks.push_back(std::make_unique<CheckpointRank>(*base, *this, file));
  }

  std::uint64_t inFlightWork() const {
    std::uint64_t sent = 0, received = 0;
    for (const auto& rank : ranks) {
      sent += rank->tally.sent;
      received += rank->tally.received;
    }
    return sent - received;
  }

  void step(int r) {
    CheckpointRank& rank = *ranks[static_cast<std::size_t>(r)];
    while (std::optional<Message> message = rank.base.transport.poll()) {
      switch (message->tag) {
        case kWorkTag:
          ++rank.tally.received;
          break;
        case static_cast<int>(MessageKind::pause):
          rank.checkpoints.onPause(*message);
          break;
        case static_cast<int>(MessageKind::pauseReply):
          rank.checkpoints.onPauseReply(*message);
          break;
        case static_cast<int>(MessageKind::snapshot):
          rank.checkpoints.onSnapshot(*message);
          break;
        case static_cast<int>(MessageKind::snapshotTaken):
          rank.checkpoints.onSnapshotTaken(*message);
          break;
        case static_cast<int>(MessageKind::snapshotData):
          rank.checkpoints.onSnapshotData(*message);
          break;
        case static_cast<int>(MessageKind::snapshotPull):
          rank.checkpoints.onSnapshotPull(*message);
          break;
        case static_cast<int>(MessageKind::resume):
          rank.checkpoints.onResume(*message);
          break;
        case static_cast<int>(MessageKind::restore):
          rank.checkpoints.onRestore(*message);
          break;
        case static_cast<int>(MessageKind::restored):
          rank.checkpoints.onRestored(*message);
          break;
        default:
          FAIL() << "unexpected message kind " << message->tag;
      }
    }
    // Work goes on until the rank is held; once held, its running chunks
    // take a few more turns, and may still send what they made.
    if (!rank.held || rank.busyTurns != 0) {
      if (random() % 2 == 0) {
        const int dest = static_cast<int>(random() % static_cast<std::uint64_t>(ranks.size()));
        rank.base.transport.send(dest, kWorkTag, std::vector<char>(1, 'x'));
        ++rank.tally.sent;
      }
      rank.busyTurns = rank.held ? rank.busyTurns - 1 : 3;
    }
    rank.checkpoints.maybeStart(true);
    rank.checkpoints.maybeAnswer();
    rank.checkpoints.pump();
  }

  std::shared_ptr<LoopbackHub> hub;
  std::vector<std::unique_ptr<ProtocolRank>> bases;
  std::vector<std::unique_ptr<CheckpointRank>> ranks;
  std::mt19937_64 random{5};
  std::uint64_t inFlightAtSnapshot = 0;
};

RankState CheckpointRank::state() {
  ++snapshots;
  world.inFlightAtSnapshot += world.inFlightWork();
  EXPECT_TRUE(held) << "rank " << base.tree.rank() << " described its state while running";
  RankState saved;
  saved.nextInstance = 100 + static_cast<std::uint64_t>(base.tree.rank());
  saved.counters[ScopeKey{0, 0, 0}] = Counts{static_cast<std::uint64_t>(base.tree.rank()) + 1, 0};
  for (std::uint32_t k = 1; k != 40; ++k) saved.counters[ScopeKey{k, 0, 0}] = Counts{k, k};  // ~1.3 KB
  return saved;
}

class CheckpointProtocol : public ::testing::TestWithParam<std::tuple<int, bool>> {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() / ("jobstream-checkpoint-protocol-" + std::to_string(::getpid()));
    fs::create_directories(folder_);
    file_ = (folder_ / "run.ckpt").string();
  }
  void TearDown() override { fs::remove_all(folder_); }

  fs::path folder_;
  std::string file_;
};

TEST_P(CheckpointProtocol, ASnapshotWaitsUntilNoWorkIsInFlightAndReachesTheFile) {
  const auto [size, chaos] = GetParam();
  World world(size, chaos ? chaosOf(static_cast<std::uint64_t>(size) * 13) : LoopbackChaos{}, file_);
  // Until the file is written and the resume has reached every rank (it
  // goes down the tree, each hop delayed under chaos).
  ASSERT_TRUE(driveUntil(size, [&](int r) { world.step(r); }, [&] {
    world.ranks[0]->checkpoints.collectWriter(false);
    return world.ranks[0]->writtenCount >= 1 &&
           std::all_of(world.ranks.begin(), world.ranks.end(), [](const auto& rank) { return rank->resumed >= 1; });
  }));
  EXPECT_EQ(world.inFlightAtSnapshot, 0u) << "a snapshot was taken with work messages in flight";
  for (const auto& rank : world.ranks) {
    EXPECT_EQ(rank->snapshots, 1) << "rank " << rank->base.tree.rank();
    EXPECT_EQ(rank->resumed, 1) << "rank " << rank->base.tree.rank();
  }
  ASSERT_EQ(world.ranks[0]->result.checkpointPauses.size(), 1u);
  const Checkpoint checkpoint = readCheckpoint(file_);
  EXPECT_EQ(checkpoint.ranks, static_cast<std::uint32_t>(size));
  const DecodedCheckpoint decoded = decodeCheckpoint(linear::pipeline, checkpoint, file_);
  for (int r = 0; r != size; ++r) {
    EXPECT_EQ(decoded.ranks[static_cast<std::size_t>(r)].nextInstance, 100u + static_cast<std::uint64_t>(r));
    EXPECT_EQ(decoded.ranks[static_cast<std::size_t>(r)].counters.at(ScopeKey{0, 0, 0}).created,
              static_cast<std::uint64_t>(r) + 1);
  }
  EXPECT_EQ(decoded.global.wave, 7u);
  if (size > 1) {
    EXPECT_GT(world.ranks[0]->checkpoints.peakBuffered(), 0u);
    EXPECT_LE(world.ranks[0]->checkpoints.peakBuffered(), CheckpointRank::kLimits.bufferBytes)
        << "rank 0 held more of the other ranks' state than its buffer";
  }
}

INSTANTIATE_TEST_SUITE_P(Ranks, CheckpointProtocol,
                         ::testing::Values(std::tuple{1, false}, std::tuple{3, false}, std::tuple{5, false},
                                           std::tuple{3, true}, std::tuple{6, true}));

// A checkpoint of kRanks ranks, each with 40 counter keys and its own next
// instance, resumed on as many: rank 0 gets every counter, each rank the
// largest next instance, in pieces of at most 100 bytes.
TEST(CheckpointResumeProtocol, EachRankGetsItsOwnShare) {
  for (const bool chaos : {false, true}) {
    constexpr int kRanks = 5;
    World world(kRanks, chaos ? chaosOf(21) : LoopbackChaos{}, "");
    Checkpoint checkpoint{std::string(linear::pipeline.name), std::string(linear::pipeline.fingerprint), kRanks, 0, {}};
    for (int r = 0; r != kRanks; ++r) {
      RankState state;
      state.nextInstance = 500 + static_cast<std::uint64_t>(r);
      for (std::uint32_t k = 0; k != 40; ++k) state.counters[ScopeKey{k, 0, 0}] = Counts{k + 1, k + 1};
      for (CheckpointSection& section : encodeRankState(linear::pipeline, static_cast<std::uint32_t>(r), state))
        checkpoint.sections.push_back(std::move(section));
    }
    GlobalState global;
    global.tracker = ScopeTracker(linear::pipeline).save();
    for (CheckpointSection& section : encodeGlobalState(linear::pipeline, global))
      checkpoint.sections.push_back(std::move(section));
    auto file = std::make_shared<const CheckpointReader>(encodeCheckpoint(checkpoint), "test.ckpt");

    for (int r = 1; r != kRanks; ++r) world.ranks[static_cast<std::size_t>(r)]->checkpoints.awaitShare();
    world.ranks[0]->checkpoints.sendShares(planResume(linear::pipeline, file, kRanks));
    ASSERT_TRUE(driveUntil(kRanks, [&](int r) { world.step(r); }, [&] {
      return world.ranks[0]->checkpoints.sharesInPlace();
    }));
    for (int r = 0; r != kRanks; ++r) {
      const CheckpointRank& rank = *world.ranks[static_cast<std::size_t>(r)];
      EXPECT_TRUE(rank.restoredAll) << "rank " << r;
      EXPECT_FALSE(rank.checkpoints.awaitingShare());
      EXPECT_EQ(rank.restored.nextInstance, 504u) << "rank " << r;
      EXPECT_EQ(rank.restored.counters.size(), r == 0 ? 40u : 0u) << "rank " << r;
    }
    EXPECT_EQ(world.ranks[0]->restored.counters.at(ScopeKey{7, 0, 0}).created, 8u * kRanks);
    EXPECT_LE(world.ranks[0]->checkpoints.peakBuffered(), CheckpointRank::kLimits.bufferBytes);
  }
}

TEST(CheckpointResumeProtocol, MessagesOutOfStepAreErrors) {
  World world(2, {}, "");
  CheckpointRank& root = *world.ranks[0];
  CheckpointRank& other = *world.ranks[1];
  const Message reply{1, static_cast<int>(MessageKind::pauseReply), encode(PauseReply{1, 0, 0})};
  EXPECT_THROW(root.checkpoints.onPauseReply(reply), std::runtime_error);  // no round under way
  const Message signal{0, static_cast<int>(MessageKind::snapshot), encode(Signal{})};
  EXPECT_THROW(other.checkpoints.onSnapshot(signal), std::runtime_error);  // not paused
  EXPECT_THROW(other.checkpoints.onResume(signal), std::runtime_error);    // nothing to resume from
  const Message share{0, static_cast<int>(MessageKind::restore), encode(SectionPieces{})};
  EXPECT_THROW(other.checkpoints.onRestore(share), std::runtime_error);  // not resuming
  EXPECT_THROW(other.checkpoints.onRestored(signal), std::runtime_error);  // shares are acknowledged to rank 0
  EXPECT_THROW(root.checkpoints.onRestored(Message{1, static_cast<int>(MessageKind::restored), encode(Signal{})}),
               std::runtime_error);  // nothing was sent
  const Message pull{0, static_cast<int>(MessageKind::snapshotPull), encode(SnapshotPull{100})};
  EXPECT_THROW(other.checkpoints.onSnapshotPull(pull), std::runtime_error);  // no snapshot taken
  const Message data{1, static_cast<int>(MessageKind::snapshotData), encode(SectionPieces{})};
  EXPECT_THROW(root.checkpoints.onSnapshotData(data), std::runtime_error);  // nothing asked for
}

}  // namespace
}  // namespace jstest
