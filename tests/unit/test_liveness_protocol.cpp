// Whether the ranks a rank talks to are still there (liveness/liveness.hpp):
// the protocol stepped by hand over loopback ranks, with the time given by
// the test; then whole runs over loopback ranks, where stages that take far
// longer than the timeout never make a rank look lost, a rank that falls
// silent ends the run naming it, and no ping or pong is left in flight.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "liveness/liveness.hpp"
#include "messages/wire.hpp"
#include "protocol_ranks.hpp"
#include "rank/rank.hpp"
#include "test_pipelines.hpp"

namespace jstest {
namespace {

using Clock = Liveness::Clock;

// Ranks whose Liveness the test steps, delivering every message at once.
struct Watch {
  explicit Watch(int ranks, std::chrono::milliseconds timeout = 100ms)
      : hub(std::make_shared<LoopbackHub>(ranks)), ranks(protocolRanks(hub)) {
    for (auto& rank : this->ranks) watches.push_back(std::make_unique<Liveness>(rank->tree, timeout));
  }

  // Every rank acts at `now`, then every message is delivered, as the
  // communication loop does, until none is left. The ranks found lost.
  std::vector<std::pair<int, int>> step(Clock::time_point now, bool watching = true,
                                        const std::vector<int>& silent = {}) {
    std::vector<std::pair<int, int>> lost;  // (who noticed, whom)
    for (int r = 0; r != hub->size(); ++r) {
      if (isSilent(r, silent)) continue;
      if (std::optional<int> peer = watches[static_cast<std::size_t>(r)]->maybeAct(now, watching))
        lost.emplace_back(r, *peer);
    }
    for (bool any = true; any;) {
      any = false;
      for (int r = 0; r != hub->size(); ++r) {
        while (std::optional<Message> message = ranks[static_cast<std::size_t>(r)]->transport.poll()) {
          any = true;
          ++delivered;
          // A silent rank hears nothing and answers nothing: its messages
          // are dropped here, as a cut link would.
          if (isSilent(r, silent)) continue;
          Liveness& liveness = *watches[static_cast<std::size_t>(r)];
          liveness.heard(message->source, now);
          if (message->tag == static_cast<int>(MessageKind::ping)) liveness.onPing(*message);
          else if (message->tag == static_cast<int>(MessageKind::pong)) liveness.onPong(*message);
          else ADD_FAILURE() << "a message of kind " << message->tag;
        }
      }
    }
    return lost;
  }

  static bool isSilent(int r, const std::vector<int>& silent) {
    return std::find(silent.begin(), silent.end(), r) != silent.end();
  }
  bool allQuiet() const {
    return std::all_of(watches.begin(), watches.end(), [](const auto& w) { return w->quiet(); });
  }

  std::shared_ptr<LoopbackHub> hub;
  std::vector<std::unique_ptr<ProtocolRank>> ranks;
  std::vector<std::unique_ptr<Liveness>> watches;
  int delivered = 0;
};

TEST(LivenessProtocol, ParentsPingTheirChildrenWhoAnswer) {
  Watch watch(5);
  const Clock::time_point start = Clock::now();
  EXPECT_TRUE(watch.step(start).empty());
  // One ping per tree edge (4 edges for 5 ranks) and one pong each.
  EXPECT_EQ(watch.delivered, 8);
  EXPECT_TRUE(watch.allQuiet());
  // Nothing more until a quarter of the timeout has passed.
  watch.delivered = 0;
  EXPECT_TRUE(watch.step(start + 10ms).empty());
  EXPECT_EQ(watch.delivered, 0);
  EXPECT_TRUE(watch.step(start + 25ms).empty());
  EXPECT_EQ(watch.delivered, 8);
}

TEST(LivenessProtocol, RanksThatAnswerAreNeverLostHoweverLongTheRun) {
  Watch watch(6);
  const Clock::time_point start = Clock::now();
  for (int i = 0; i != 400; ++i) EXPECT_TRUE(watch.step(start + i * 25ms).empty()) << "at step " << i;
}

TEST(LivenessProtocol, ASilentChildIsLostToItsParentAfterTheTimeout) {
  Watch watch(4);  // tree: 0 -> 1, 2; 2 -> 3
  const Clock::time_point start = Clock::now();
  EXPECT_TRUE(watch.step(start).empty());
  // Rank 3 falls silent: its parent, rank 2, notices once the timeout has
  // passed since it last heard from it, and nobody else does.
  for (auto at = start + 25ms; at <= start + 100ms; at += 25ms) EXPECT_TRUE(watch.step(at, true, {3}).empty());
  const auto lost = watch.step(start + 101ms, true, {3});
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(lost[0], std::make_pair(2, 3));
}

TEST(LivenessProtocol, ASilentParentIsLostToItsChildren) {
  Watch watch(4);
  const Clock::time_point start = Clock::now();
  EXPECT_TRUE(watch.step(start).empty());
  // Rank 2 falls silent: its parent (0) and its child (3) both notice.
  for (auto at = start + 25ms; at <= start + 100ms; at += 25ms) EXPECT_TRUE(watch.step(at, true, {2}).empty());
  auto lost = watch.step(start + 101ms, true, {2});
  std::sort(lost.begin(), lost.end());
  EXPECT_EQ(lost, (std::vector<std::pair<int, int>>{{0, 2}, {3, 2}}));
}

TEST(LivenessProtocol, ARankNeverHeardFromIsNotTimed) {
  // A rank may start its loop late (rank 0 reads a large checkpoint first).
  Watch watch(3);
  const Clock::time_point start = Clock::now();
  for (auto at = start; at <= start + 1s; at += 25ms) EXPECT_TRUE(watch.step(at, true, {0}).empty());
  // Once rank 0 starts, it is watched like any other.
  EXPECT_TRUE(watch.step(start + 2s).empty());
  EXPECT_TRUE(watch.step(start + 2s + 99ms, true, {0}).empty());
  EXPECT_FALSE(watch.step(start + 2s + 101ms, true, {0}).empty());
}

TEST(LivenessProtocol, NothingIsWatchedOnceTheStopHasBegun) {
  Watch watch(4);
  const Clock::time_point start = Clock::now();
  EXPECT_TRUE(watch.step(start).empty());
  watch.delivered = 0;
  // The stop's own messages are the last: no ping, and no rank is lost
  // however long the stop takes.
  EXPECT_TRUE(watch.step(start + 10s, false, {3}).empty());
  EXPECT_EQ(watch.delivered, 0);
}

TEST(LivenessProtocol, ARankIsQuietOnlyOnceItsPingsAreAnswered) {
  Watch watch(2);
  const Clock::time_point start = Clock::now();
  ASSERT_TRUE(watch.watches[0]->maybeAct(start, true) == std::nullopt);
  EXPECT_FALSE(watch.watches[0]->quiet());  // its ping is on its way
  EXPECT_TRUE(watch.watches[1]->quiet());   // a leaf pings nobody
  watch.step(start + 1ms);
  EXPECT_TRUE(watch.allQuiet());
}

TEST(LivenessProtocol, ATimeoutOfZeroWatchesNothing) {
  Watch watch(4, 0ms);
  const Clock::time_point start = Clock::now();
  for (auto at = start; at <= start + 1h; at += 10min) EXPECT_TRUE(watch.step(at, true, {2}).empty());
  EXPECT_EQ(watch.delivered, 0);
  EXPECT_TRUE(watch.allQuiet());
}

TEST(LivenessProtocol, AnswersOutOfStepAreErrors) {
  Watch watch(4);
  // A pong no ping asked for, and a ping from a rank that is not the parent.
  EXPECT_THROW(watch.watches[0]->onPong(Message{1, static_cast<int>(MessageKind::pong), encode(Signal{})}),
               std::runtime_error);
  EXPECT_THROW(watch.watches[3]->onPing(Message{1, static_cast<int>(MessageKind::ping), encode(Signal{})}),
               std::runtime_error);
}

// ---------------------------------------------------------------------------
// Whole runs over loopback ranks.

// A transport that goes silent once `cut` is set: it sends nothing and
// receives nothing, as a rank on a host that vanished. Rank r's host is
// called nodeR.
class Cuttable final : public Transport {
 public:
  Cuttable(Transport& inner, const std::atomic<bool>& cut) : inner_(inner), cut_(cut) {}
  int rank() const override { return inner_.rank(); }
  int size() const override { return inner_.size(); }
  int ranksOnThisHost() const override { return inner_.ranksOnThisHost(); }
  std::string hostOf(int rank) const override { return fmt::format("node{}", rank); }
  void send(int dest, int tag, std::vector<char> bytes) override {
    if (!cut_.load()) inner_.send(dest, tag, std::move(bytes));
  }
  std::optional<Message> poll() override { return cut_.load() ? std::nullopt : inner_.poll(); }
  bool flushed() override { return inner_.flushed(); }
  std::int64_t sumOverRanks(std::int64_t value) override { return inner_.sumOverRanks(value); }
  // Its own abort (it finds the others lost too) reaches nobody.
  void abort(int exitCode) override {
    if (!cut_.load()) inner_.abort(exitCode);
  }
  bool aborted() override { return inner_.aborted(); }

 private:
  Transport& inner_;
  const std::atomic<bool>& cut_;
};

struct LivenessRun {
  std::vector<RunResult> results;
  std::size_t inFlight = 0;  // messages never received
  std::chrono::milliseconds took{};
};

// fanout over `ranks` loopback ranks of one worker each, with the peer
// timeout `timeout`; rank `silent` (if any) goes silent once `cut` is set.
// `abortAfter` (if not zero): the hub is aborted then, if the run has not
// ended (every rank's loop then returns).
LivenessRun runFanout(int ranks, int items, std::chrono::milliseconds timeout, LoopbackChaos chaos, int silent = -1,
                      std::atomic<bool>* cut = nullptr, std::chrono::milliseconds abortAfter = 0ms) {
  auto hub = std::make_shared<LoopbackHub>(ranks, chaos);
  std::mutex mutex;
  std::condition_variable ended;
  bool over = false;
  std::thread watchdog([&] {
    if (abortAfter.count() == 0) return;
    std::unique_lock lock(mutex);
    if (!ended.wait_for(lock, abortAfter, [&] { return over; })) hub->abort();
  });
  LivenessRun run;
  run.results.resize(static_cast<std::size_t>(ranks));
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int r = 0; r != ranks; ++r) {
    threads.emplace_back([&, r] {
      LoopbackTransport loopback(hub, r);
      std::atomic<bool> never{false};
      Cuttable transport(loopback, r == silent && cut ? *cut : never);
      RankOptions options;
      options.threads = 1;
      options.peerTimeout = timeout;
      try {
        run.results[static_cast<std::size_t>(r)] =
            runRank(fanout::pipeline, transport, options, r == 0 ? batchOf(std::vector<int>{items}) : nullptr);
      } catch (const std::exception& e) {
        run.results[static_cast<std::size_t>(r)].exitCode = 99;
        run.results[static_cast<std::size_t>(r)].error = e.what();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  run.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  {
    std::lock_guard lock(mutex);
    over = true;
  }
  ended.notify_all();
  watchdog.join();
  run.inFlight = hub->inFlight();
  return run;
}

TEST(LivenessRuns, StagesFarLongerThanTheTimeoutNeverMakeARankLost) {
  // Every worker sleeps 150 ms per item, six times the timeout: the
  // communication threads still answer, and the run ends well, with no ping
  // or pong left in flight, under reordering too.
  for (std::uint64_t seed : {0u, 1u, 2u}) {
    fanout::reset();
    fanout::leafMicros = 150'000;
    const LivenessRun run = runFanout(5, 20, 25ms, seed == 0 ? LoopbackChaos{} : chaosOf(seed));
    for (const RunResult& result : run.results) EXPECT_EQ(result.exitCode, 0) << result.error;
    EXPECT_EQ(fanout::leaves.load(), 20);
    EXPECT_EQ(run.inFlight, 0u) << "seed " << seed;
  }
  fanout::reset();
}

TEST(LivenessRuns, ARankThatFallsSilentEndsTheRunNamingItAndItsHost) {
  for (int silent : {1, 3}) {
    fanout::reset();
    fanout::leafMicros = 20'000;  // 400 items over 4 one-worker ranks: about 2 s
    std::atomic<bool> cut{false};
    std::thread cutter([&] {
      std::this_thread::sleep_for(200ms);
      cut = true;
    });
    const LivenessRun run = runFanout(4, 400, 100ms, {}, silent, &cut);
    cutter.join();
    // Its parent noticed (rank 0 for rank 1, rank 2 for rank 3) and ended
    // the run well before the work would have.
    const int parent = parentOf(silent);
    const RunResult& noticed = run.results[static_cast<std::size_t>(parent)];
    EXPECT_EQ(noticed.exitCode, 1);
    EXPECT_NE(noticed.error.find(fmt::format("rank {} on host node{} has not been heard from for 0.1 s "
                                             "(--peer-timeout), as seen by rank {} on host node{}",
                                             silent, silent, parent, parent)),
              std::string::npos)
        << noticed.error;
    EXPECT_LT(fanout::leaves.load(), 400);
    EXPECT_LT(run.took, 1500ms);
  }
  fanout::reset();
}

TEST(LivenessRuns, ATimeoutOfZeroLetsASilentRankHangTheRunAsBefore) {
  // The check that the run above ends because of the peer timeout: without
  // it, the same cut leaves rank 0 waiting until the test's watchdog aborts
  // the run.
  fanout::reset();
  fanout::leafMicros = 2'000;
  std::atomic<bool> cut{false};
  std::thread cutter([&] {
    std::this_thread::sleep_for(50ms);
    cut = true;
  });
  const LivenessRun run = runFanout(2, 200, 0ms, {}, 1, &cut, 1500ms);
  cutter.join();
  EXPECT_GE(run.took, 1500ms);
  EXPECT_NE(run.results[0].error.find("another rank failed"), std::string::npos) << run.results[0].error;
  fanout::reset();
}

}  // namespace
}  // namespace jstest
