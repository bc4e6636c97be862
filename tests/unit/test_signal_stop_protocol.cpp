// A run told to stop by a signal (termination/signal_stop.hpp) over loopback
// ranks stepped in turns: termination waves, checkpoints and the stop
// together, with simulated work that never ends by itself, so that only the
// signal can end the run. Whichever rank the signal reaches, every rank
// leaves with it, nothing is in flight, and the last checkpoint holds the
// state every rank stopped with: no work ran after it, none was lost.
// Also the process's handlers (program/stop_signals.hpp).
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <random>

#include "checkpoint/coordinator.hpp"
#include "checkpoint/state.hpp"
#include "program/stop_signals.hpp"
#include "protocol_ranks.hpp"
#include "termination/shutdown.hpp"
#include "termination/signal_stop.hpp"
#include "termination/waves.hpp"
#include "test_pipelines.hpp"

namespace jstest {
namespace {

namespace fs = std::filesystem;

constexpr int kWorkTag = 1000;  // simulated work messages: not a MessageKind
const ScopeKey kRun{0, 0, 0};   // linear has one region, at the top level

struct World;

// One rank: its protocols wired as Rank wires them (rank/communication.cpp),
// and work that keeps itself going: each item run makes one more, sent to
// a random rank.
struct StoppingRank final : WaveParticipant, CheckpointParticipant {
  StoppingRank(ProtocolRank& rank, World& world, const std::string& file, double interval)
      : base(rank),
        world(world),
        waves(rank.tree, linear::pipeline, *this),
        shutdown(rank.tree),
        checkpoints(rank.tree, linear::pipeline, *this, file, interval, result),
        stop(rank.tree, checkpoints, shutdown) {}

  void arrived(const Actions& actions, WaveReply&) override { counters.retire(actions.retires); }
  bool departing(const Actions&, WaveReply& sums) override {
    counters.addTo(sums.counts);
    sums.stopSignal = std::max(sums.stopSignal, stop.signal());
    return true;
  }
  bool concluding(const Actions&, WaveReply& sums) override {
    stop.heard(sums.stopSignal);
    return true;
  }

  void hold() override { held = true; }
  bool still() override { return busyTurns == 0; }
  WorkTally settle() override { return tally; }
  RankState state() override {
    ++snapshots;
    if (signalled) ++snapshotsSinceSignal;
    ranSinceSnapshot = 0;
    EXPECT_TRUE(held) << "rank " << base.tree.rank() << " described its state while running";
    RankState saved;
    counters.addTo(saved.counters);
    return saved;
  }
  GlobalState globalState() override {
    GlobalState global;
    global.tracker = ScopeTracker(linear::pipeline).save();
    return global;
  }
  void resume() override {
    held = false;
    ++resumed;
  }
  void restoreSection(const CheckpointSection&) override {}
  void restoreDone() override {}
  void written(int count) override { writtenCount = count; }

  ProtocolRank& base;
  World& world;
  RunResult result;
  KeyedCounters counters;
  Waves waves;
  Shutdown shutdown;
  Checkpoints checkpoints;
  SignalStop stop;
  WorkTally tally;
  std::uint64_t items = 0;  // queued here
  int busyTurns = 0;        // turns its workers still need to finish their chunks once held
  bool held = false;
  int handlerNote = 0;      // what this rank's signal handler noted
  bool signalled = false;   // a signal reached some rank
  int snapshots = 0;
  int snapshotsSinceSignal = 0;
  int resumed = 0;
  int writtenCount = 0;
  std::uint64_t ranSinceSnapshot = 0;
};

struct World {
  World(int size, LoopbackChaos chaos, const std::string& file, double interval, std::uint64_t seed)
      : hub(std::make_shared<LoopbackHub>(size, chaos)), random(seed) {
    bases = protocolRanks(hub);
    for (auto& base : bases) ranks.push_back(std::make_unique<StoppingRank>(*base, *this, file, interval));
    StoppingRank& root = *ranks[0];
    root.counters.created(kRun, 20);  // the initial items, counted before any wave
    root.items = 20;
  }

  void signal(int r, int signal) {
    ranks[static_cast<std::size_t>(r)]->handlerNote = signal;
    for (auto& rank : ranks) rank->signalled = true;
  }

  void runOne(StoppingRank& rank) {
    if (rank.items == 0) return;
    --rank.items;
    rank.counters.created(kRun, 1);
    const int dest = static_cast<int>(random() % ranks.size());
    rank.base.transport.send(dest, kWorkTag, std::vector<char>(1, 'x'));
    ++rank.tally.sent;
    rank.counters.finished(kRun, 1);
    ++rank.ranSinceSnapshot;
  }

  void step(int r) {
    StoppingRank& rank = *ranks[static_cast<std::size_t>(r)];
    while (std::optional<Message> message = rank.base.transport.poll()) {
      switch (message->tag) {
        case kWorkTag:
          rank.items += message->bytes.size();
          ++rank.tally.received;
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
        default:
          FAIL() << "unexpected message kind " << message->tag;
      }
    }
    if (rank.shutdown.over()) return;
    // Work runs until the rank is held; once held, its running chunks take
    // a few more turns, and still send what they made.
    if (!rank.held) {
      runOne(rank);
      rank.busyTurns = 2;
    } else if (rank.busyTurns != 0) {
      runOne(rank);
      --rank.busyTurns;
    }
    rank.checkpoints.maybeAnswer();
    rank.stop.heard(rank.handlerNote);
    rank.stop.maybeAct(!rank.shutdown.stopping());
    rank.checkpoints.maybeStart(!rank.shutdown.stopping() && !rank.waves.active());
    rank.checkpoints.pump();
    rank.waves.maybeStart(rank.checkpoints.sharesInPlace() && !rank.shutdown.stopping() && rank.checkpoints.running() &&
                              !rank.checkpoints.bytesInFlight(),
                          rank.items == 0);
    rank.shutdown.maybeAcknowledge(true);
  }

  bool allLeft() const {
    for (const auto& rank : ranks)
      if (!rank->shutdown.over()) return false;
    return true;
  }

  // Turns until the work is well under way (and, with a short interval,
  // checkpoints with it).
  void warmUp(int turns) {
    for (int i = 0; i != turns; ++i)
      for (int r = 0; r != static_cast<int>(ranks.size()); ++r) step(r);
  }

  bool runToTheEnd() {
    return driveUntil(static_cast<int>(ranks.size()), [&](int r) { step(r); }, [&] { return allLeft(); });
  }

  std::shared_ptr<LoopbackHub> hub;
  std::vector<std::unique_ptr<ProtocolRank>> bases;
  std::vector<std::unique_ptr<StoppingRank>> ranks;
  std::mt19937_64 random;
};

class SignalStopProtocol : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() / ("jobstream-signal-stop-" + std::to_string(::getpid()));
    fs::remove_all(folder_);
    fs::create_directories(folder_);
    file_ = (folder_ / "run.ckpt").string();
  }
  void TearDown() override { fs::remove_all(folder_); }

  // Every rank left with `signal`, nothing in flight; the checkpoint, if
  // the run has a file, was taken after the signal and holds the counters
  // every rank stopped with; nobody ran or resumed after it.
  void expectStoppedBy(World& world, int signal, bool withFile) {
    EXPECT_EQ(world.hub->inFlight(), 0u) << "a rank left with a message on its way to it";
    std::uint64_t sent = 0, received = 0;
    for (const auto& rank : world.ranks) {
      SCOPED_TRACE("rank " + std::to_string(rank->base.tree.rank()));
      EXPECT_EQ(rank->shutdown.signal(), signal);
      EXPECT_TRUE(rank->held) << "a rank ran again after the last pause";
      sent += rank->tally.sent;
      received += rank->tally.received;
      if (withFile) {
        EXPECT_GE(rank->snapshotsSinceSignal, 1);
        EXPECT_EQ(rank->ranSinceSnapshot, 0u) << "work ran after the last checkpoint";
        EXPECT_EQ(rank->resumed, rank->snapshots - 1) << "a rank resumed after the last checkpoint";
      } else {
        EXPECT_EQ(rank->snapshots, 0);
      }
    }
    EXPECT_EQ(sent, received) << "work was in flight when the run stopped";
    StoppingRank& root = *world.ranks[0];
    if (!withFile) {
      EXPECT_FALSE(fs::exists(file_));
      EXPECT_EQ(root.stop.summary(""),
                "jobstream: stopped by " + signalName(signal) +
                    "; no checkpoint was taken (none was asked for with --checkpoint FILE): running the same "
                    "command again starts from the beginning");
      return;
    }
    EXPECT_TRUE(root.checkpoints.lastWritten());
    EXPECT_EQ(root.stop.summary(file_),
              "jobstream: stopped by " + signalName(signal) + "; checkpoint written to '" + file_ +
                  "': rerun the same command to resume");
    const DecodedCheckpoint decoded = decodeCheckpoint(linear::pipeline, readCheckpoint(file_), file_);
    ASSERT_EQ(decoded.ranks.size(), world.ranks.size());
    for (std::size_t r = 0; r != world.ranks.size(); ++r) {
      CountsMap now;
      world.ranks[r]->counters.addTo(now);
      EXPECT_EQ(decoded.ranks[r].counters.at(kRun).created, now.at(kRun).created) << "rank " << r;
      EXPECT_EQ(decoded.ranks[r].counters.at(kRun).finished, now.at(kRun).finished) << "rank " << r;
    }
  }

  fs::path folder_;
  std::string file_;
};

struct Case {
  int ranks;
  int signalled;   // the one rank the signal reaches
  bool chaos;
  bool withFile;
  double interval;  // between periodic checkpoints: 600 is none before the signal
};

class SignalStopCases : public SignalStopProtocol, public ::testing::WithParamInterface<Case> {};

TEST_P(SignalStopCases, TheRankTheSignalReachesStopsEveryRankAfterALastCheckpoint) {
  const Case c = GetParam();
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    fs::remove(file_);
    World world(c.ranks, c.chaos ? chaosOf(seed * 7 + static_cast<std::uint64_t>(c.ranks)) : LoopbackChaos{},
                c.withFile ? file_ : "", c.interval, seed);
    if (c.withFile && c.interval < 1) {
      // Some periodic checkpoints first, so that the signal may come in any
      // step of one.
      ASSERT_TRUE(driveUntil(c.ranks, [&](int r) { world.step(r); },
                             [&] { return world.ranks[0]->writtenCount >= 2; }));
    }
    world.warmUp(200 + static_cast<int>(seed) * 37);
    world.signal(c.signalled, SIGTERM);
    ASSERT_TRUE(world.runToTheEnd());
    expectStoppedBy(world, SIGTERM, c.withFile);
  }
}

INSTANTIATE_TEST_SUITE_P(Ranks, SignalStopCases,
                         ::testing::Values(Case{1, 0, false, true, 600}, Case{1, 0, false, false, 600},
                                           Case{3, 0, false, true, 600}, Case{3, 2, false, true, 600},
                                           Case{4, 3, true, true, 600}, Case{5, 1, true, false, 600},
                                           // periodic checkpoints all along: the signal may come in one's pause
                                           Case{3, 1, true, true, 0.0005}, Case{6, 5, true, true, 0.0005}));

// SIGTERM outweighs SIGINT: a rank told both says SIGTERM. Told at two
// ranks, the run stops with what rank 0 heard first, or SIGTERM if it heard
// both before the stop: the same on every rank.
TEST_F(SignalStopProtocol, SIGTERMOutweighsSIGINT) {
  {
    World world(3, chaosOf(2), file_, 600, 2);
    world.warmUp(150);
    world.signal(2, SIGINT);
    world.signal(2, SIGTERM);
    ASSERT_TRUE(world.runToTheEnd());
    expectStoppedBy(world, SIGTERM, true);
  }
  for (std::uint64_t seed = 3; seed != 8; ++seed) {
    fs::remove(file_);
    World world(4, chaosOf(seed), file_, 600, seed);
    world.warmUp(150);
    world.signal(1, SIGINT);
    world.signal(3, SIGTERM);
    ASSERT_TRUE(world.runToTheEnd());
    const int signal = world.ranks[0]->shutdown.signal();
    EXPECT_TRUE(signal == SIGTERM || signal == SIGINT) << signal;
    expectStoppedBy(world, signal, true);
  }
}

TEST_F(SignalStopProtocol, ASignalOfAnotherKindIsAnError) {
  World world(1, {}, file_, 600, 1);
  EXPECT_THROW(world.ranks[0]->stop.heard(SIGKILL), std::runtime_error);
}

TEST_F(SignalStopProtocol, SIGINTAloneStopsWithIt) {
  World world(2, {}, file_, 600, 4);
  world.warmUp(100);
  world.signal(0, SIGINT);
  ASSERT_TRUE(world.runToTheEnd());
  expectStoppedBy(world, SIGINT, true);
}

// A last checkpoint that cannot be written: the run still stops, and the
// user is told what a rerun starts from (here: no checkpoint, the beginning).
TEST_F(SignalStopProtocol, ALastCheckpointThatCannotBeWrittenStillStopsTheRun) {
  const std::string unwritable = (folder_ / "gone" / "run.ckpt").string();  // its folder does not exist
  World world(3, {}, unwritable, 600, 5);
  world.warmUp(100);
  world.signal(2, SIGTERM);
  ASSERT_TRUE(world.runToTheEnd());
  EXPECT_EQ(world.hub->inFlight(), 0u);
  for (const auto& rank : world.ranks) EXPECT_EQ(rank->shutdown.signal(), SIGTERM);
  EXPECT_FALSE(world.ranks[0]->checkpoints.lastWritten());
  EXPECT_EQ(world.ranks[0]->stop.summary(unwritable),
            "jobstream: stopped by SIGTERM; its checkpoint could not be written (above): rerunning the same "
            "command starts from the beginning");
}

// The handlers note the signal, the strongest one; a second SIGINT ends the
// process at once with 130.
TEST(StopSignals, TheHandlerNotesTheStrongestSignal) {
  {
    const StopSignals signals(false);
    EXPECT_EQ(StopSignals::received().load(), 0);
    std::raise(SIGINT);
    EXPECT_EQ(StopSignals::received().load(), SIGINT);
    std::raise(SIGTERM);
    EXPECT_EQ(StopSignals::received().load(), SIGTERM);
    std::raise(SIGTERM);  // a scheduler's and mpirun's: the same
    EXPECT_EQ(StopSignals::received().load(), SIGTERM);
  }
  struct sigaction now {};
  sigaction(SIGTERM, nullptr, &now);
  EXPECT_EQ(now.sa_handler, SIG_DFL) << "the handler outlived its run";
  const StopSignals again(false);
  EXPECT_EQ(StopSignals::received().load(), 0) << "a new run starts with no signal";
}

TEST(StopSignalsDeathTest, ASecondSIGINTEndsTheProcessAtOnce) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        const StopSignals signals(true);
        std::raise(SIGINT);
        std::raise(SIGINT);
        std::abort();  // not reached
      },
      ::testing::ExitedWithCode(130), "jobstream: stopped at once by a second SIGINT, without a checkpoint");
}

}  // namespace
}  // namespace jstest
