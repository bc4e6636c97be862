// The parts of one rank (rank.cpp): its worker threads' side there, its
// communication thread's side in communication.cpp. Internal to libjobstream.
#pragma once

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "abandon/abandon.hpp"
#include "liveness/liveness.hpp"
#include "checkpoint/coordinator.hpp"
#include "messages/wire.hpp"
#include "observe/measured_transport.hpp"
#include "observe/observer.hpp"
#include "observe/recorder.hpp"
#include "program/context.hpp"
#include "program/stage_exit.hpp"
#include "queue/chunk_sizer.hpp"
#include "queue/task_queue.hpp"
#include "rank/rank.hpp"
#include "stealing/stealing.hpp"
#include "termination/scope_tracker.hpp"
#include "termination/shutdown.hpp"
#include "termination/signal_stop.hpp"
#include "termination/waves.hpp"
#include "transport/tree.hpp"

namespace jobstream::detail {

using Clock = std::chrono::steady_clock;
using std::chrono::microseconds;

inline StageRules rulesOf(const PipelineDef& pipeline) {
  StageRules rules;
  for (const StageDef& stage : pipeline.stages) {
    // A frame_end runs where its instance lives, one call at a time, so that
    // calls for one instance never overlap.
    const bool pinned = stage.onRankZero() || stage.kind == StageKind::frame_end;
    rules.pinned.push_back(pinned);
    rules.exclusive.push_back(stage.serial || pinned);
  }
  return rules;
}

class Rank;

class WorkerEmitter final : public Emitter {
 public:
  WorkerEmitter(Rank& rank, std::size_t slotIndex) : slot(slotIndex), rank_(rank) {}
  void deliver(StageIndex stage, std::unique_ptr<BatchBase> batch) override;
  void deliverSource(StageIndex stage, std::unique_ptr<LazySource> source) override;
  std::size_t outputBytes(StageIndex stage) const override {
    return foldsAtOnce(stage) ? kFoldedBatchBytes : kOutputBatchBytes;
  }

  const std::size_t slot;       // this thread's partial stores
  std::uint64_t scope = 0;      // where what the running call returns goes
  std::uint32_t gen = 0;
  std::uint64_t delivered = 0;  // items delivered since the counter was reset (fan-out)
  bool holdsSerial = false;     // this thread holds a serial stage's lock (SerialCall)

 private:
  // Whether what is delivered for `stage` now is folded into this thread's
  // store at once rather than queued (deliver).
  bool foldsAtOnce(StageIndex stage) const;

  Rank& rank_;
  bool reducing_ = false;
};

// One call of user code of a not-thread-safe stage (StageDef::serial): holds
// that stage's lock on this rank for the call. A null lock (every other
// stage) costs a branch. See Rank::serialLocks_ for why it cannot deadlock.
class SerialCall {
 public:
  SerialCall(std::mutex* lock, WorkerEmitter* emitter) : lock_(lock), emitter_(emitter) {
    if (!lock_) return;
    lock_->lock();
    if (emitter_) emitter_->holdsSerial = true;
  }
  ~SerialCall() {
    if (!lock_) return;
    if (emitter_) emitter_->holdsSerial = false;
    lock_->unlock();
  }
  SerialCall(const SerialCall&) = delete;
  SerialCall& operator=(const SerialCall&) = delete;

 private:
  std::mutex* lock_;
  WorkerEmitter* emitter_;
};

// A frame instance, on its home rank.
struct Instance {
  std::mutex mutex;  // held by each frame_end call and by the recall
  StageIndex frame = 0;
  ScopeKey parent;   // where the item that started it counts
  std::unique_ptr<BatchBase> store;
  std::unique_ptr<BatchBase> first;
  std::uint32_t maxGen = 0;
};

// One thread's partial stores, one per reduce key it has seen.
struct StoreSlot {
  std::mutex mutex;
  std::unordered_map<ScopeKey, std::unique_ptr<BatchBase>, ScopeKeyHash> stores;
};

struct Outgoing {
  int dest;
  Task task;
};

class Rank final : StageExitSink, WaveParticipant, CheckpointParticipant {
 public:
  // `measured`: the transport, timed, when the run is observed (then
  // `transport` is it). `counting`: the transport's counts of messages, when
  // a failure ends the run in order (then `transport` is it or wraps it).
  Rank(const PipelineDef& pipeline, Transport& transport, RankOptions options, MeasuredTransport* measured = nullptr,
       CountingTransport* counting = nullptr)
      : pipeline_(pipeline),
        transport_(transport),
        rank_(transport.rank()),
        size_(transport.size()),
        threads_(std::max(1, options.threads)),
        options_(std::move(options)),
        rules_(rulesOf(pipeline)),
        queue_(rules_, doorbell_),
        sizer_(pipeline.stages.size()),
        tree_(transport),
        stealing_(tree_, queue_, pipeline, threads_, tally_),
        waves_(tree_, pipeline, *this),
        shutdown_(tree_),
        checkpoints_(tree_, pipeline, *this, options_.checkpoint, options_.checkpointInterval, result_,
                     options_.checkpointLimits),
        signalStop_(tree_, checkpoints_, shutdown_),
        liveness_(tree_, options_.peerTimeout),
        measured_(measured),
        abandon_(counting ? std::make_unique<Abandon>(*counting) : nullptr) {
    if (static_cast<std::uint64_t>(size_) > instance_id::kMaxRanks)
      throw std::runtime_error(fmt::format("at most {} ranks are supported", instance_id::kMaxRanks));
    for (int i = 0; i <= threads_; ++i) slots_.push_back(std::make_unique<StoreSlot>());
    for (const StageDef& stage : pipeline.stages)
      serialLocks_.push_back(stage.serial ? std::make_unique<std::mutex>() : nullptr);
    if (rank_ == 0) {
      for (const StageDef& stage : pipeline.stages)
        collectors_.push_back(stage.kind == StageKind::finish ? stage.input->make() : nullptr);
    }
    for (StageIndex i = 0; i != pipeline.stages.size(); ++i)
      if (pipeline.stages[i].kind == StageKind::reduce) reduceOf_[regionId(pipeline.stages[i].owner, pipeline.stages[i].region)] = i;
  }
  Rank(const Rank&) = delete;
  Rank& operator=(const Rank&) = delete;

  RunResult run(std::unique_ptr<BatchBase> initialItems);
  void deliver(StageIndex stage, std::unique_ptr<BatchBase> batch, std::uint64_t scope, std::uint32_t gen);
  // The source of a jobstream::Lazy that init `init` returned, for `stage`.
  void deliverSource(StageIndex stage, std::unique_ptr<LazySource> lazy, StageIndex init);
  bool reducesOnDelivery(StageIndex stage, std::size_t slot) const {
    return slot != commSlot() && stage < pipeline_.stages.size() && pipeline_.stages[stage].kind == StageKind::reduce;
  }
  // Runs a reduce over a whole batch in the calling thread, counted like a
  // chunk taken from the queue.
  void reduceNow(StageIndex stage, BatchBase& batch, WorkerEmitter& emitter);
  bool isSerial(StageIndex stage) const { return stage < serialLocks_.size() && serialLocks_[stage]; }

 private:
  void work(std::size_t slot);
  bool drawChunk(Task& chunk, std::shared_ptr<BatchBase>& buffer, WorkerEmitter& emitter, ThreadLog* log);
  std::size_t runChunk(const StageDef& stage, Task& chunk, WorkerEmitter& emitter);
  // Where a source of init `init` counts, and how a resumed run makes it again.
  QueuedSource::Place sourcePlace(StageIndex init);
  QueuedSource::Rebuild rebuildSource(StageIndex init);
  std::size_t enterFrames(const StageDef& stage, Task& chunk, WorkerEmitter& emitter);
  BatchBase& partialStore(const StageDef& stage, const ScopeKey& key, std::size_t slot);
  void endInstance(std::uint64_t id, WorkerEmitter& emitter, bool countParent);
  void fail(StageIndex stage, std::string_view what);
  void failWith(std::string message);
  std::string lostPeer(int peer) const;
  [[noreturn]] void stageCalledExit(StageIndex stage, std::optional<int> status) override;
  [[noreturn]] void endProcess();
  // Runs user code; an exception, or a call of exit(), fails the run against
  // the stage `current` names at that moment (generated code updates it).
  // False on failure.
  template <class Call>
  bool guarded(const StageIndex& current, Call&& call) {
    StageCallScope running(*this, current);
    try {
      call();
      return true;
    } catch (const std::exception& e) {
      fail(current, e.what());
    } catch (...) {
      fail(current, "unknown exception");
    }
    return false;
  }
  // What --stats, --trace, --report and --progress see (observe/): a
  // chunk's time, items and span on its worker's log.
  void recordChunk(ThreadLog& log, const Task& chunk, std::uint64_t delivered, Clock::time_point start,
                   Clock::time_point end, std::uint64_t cpuStart);
  void noteMerge(StageIndex reduce, std::size_t stores, std::uint64_t delivered, Clock::time_point start,
                 std::uint64_t cpuStart);
  void startObserving();
  void noteCall(StageIndex stage, std::size_t itemsIn, std::uint64_t itemsOut, Clock::time_point start);
  void notePass(Clock::time_point start);
  LiveState liveState();
  void runInits(std::unique_ptr<BatchBase> initialItems);
  void runFinish();

  void startWorkers();

  // A checkpoint's work on this rank (saved_state.cpp; the protocol is
  // checkpoint/coordinator.hpp).
  void hold() override;
  bool still() override;
  WorkTally settle() override;
  RankState state() override;
  GlobalState globalState() override;
  void resume() override;
  void restoreSection(const CheckpointSection& section) override;
  void restoreDone() override;
  void written(int count) override;
  static std::uint64_t regionId(StageIndex owner, std::uint32_t region) {
    return static_cast<std::uint64_t>(owner) << 32 | region;
  }

  // The communication thread (communication.cpp).
  bool communicate();  // one pass of the loop; true if anything happened
  void handle(Message& message);
  std::size_t receiveWork(const Message& message);
  void noteSteal(SpanKind kind, int peer, std::size_t items);
  void stopIfOver();
  bool sendOutbox();
  bool stealingAllowed() const { return !shutdown_.stopping() && checkpoints_.running(); }

  // A termination wave's work on this rank (waves.hpp; reductions.cpp and
  // frames.cpp).
  void arrived(const Actions& actions, WaveReply& sums) override;
  bool departing(const Actions& actions, WaveReply& sums) override;
  bool concluding(const Actions& actions, WaveReply& sums) override;
  void recall(std::uint64_t id, WaveReply& sums);
  bool locallyIdle() {
    return queue_.queuedItems() == 0 && queue_.openSources() == 0 && queue_.idleWorkers() == threads_;
  }
  std::size_t commSlot() const { return static_cast<std::size_t>(threads_); }
  std::mutex* serialLockOf(StageIndex stage) const { return isSerial(stage) ? serialLocks_[stage].get() : nullptr; }
  // The lock for a reduce's or frame_end's leave: the user code it runs is
  // the emit below it, if any.
  std::mutex* leaveLockOf(StageIndex stage) const {
    const StageIndex below = stage + 1;
    const bool emits = below < pipeline_.stages.size() && pipeline_.stages[below].kind == StageKind::emit;
    return emits ? serialLockOf(below) : nullptr;
  }

  const PipelineDef& pipeline_;
  Transport& transport_;
  const int rank_;
  const int size_;
  const int threads_;
  RankOptions options_;  // `resume` is moved out once used
  const StageRules rules_;
  RankContext context_;
  Doorbell doorbell_;
  TaskQueue queue_;
  ChunkSizer sizer_;

  KeyedCounters counters_;

  // Per stage, a lock for a serial stage, null for the others. Every call of
  // a serial stage's user code on this rank holds it (SerialCall): chunks from
  // the queue, the direct reduce in WorkerEmitter::deliver, merges and leaves
  // on the communication thread, frame entries and recalls, init and finish.
  // The queue's `exclusive` rule still keeps a second worker from taking a
  // serial chunk, so workers rarely block here.
  //
  // Why this cannot deadlock:
  //  - A thread holds at most one serial lock. User code under a serial lock
  //    can deliver only through WorkerEmitter::deliver, which sends items for
  //    a serial reduce to the queue instead of reducing them directly when
  //    `holdsSerial` is set (also the case of a reduce recurring into itself).
  //  - Locks nest in one order only: an instance's mutex (frame, frame_end,
  //    recall), then the serial lock, then short leaf locks (a store slot,
  //    the counters, the queue, the outbox, the doorbell). The store a call
  //    folds into is looked up before its serial lock is taken.
  //  - A thread holding a serial lock never waits for the communication
  //    thread or another worker: delivering only pushes onto unbounded queues
  //    and rings the doorbell. So when the communication thread waits for a
  //    serial lock (a merge, a leave, a recall), the holder finishes its call
  //    without it; the wait costs latency, never progress.
  std::vector<std::unique_ptr<std::mutex>> serialLocks_;

  std::vector<std::unique_ptr<StoreSlot>> slots_;  // one per worker, then the communication thread's

  std::mutex instancesMutex_;
  std::unordered_map<std::uint64_t, std::unique_ptr<Instance>> instances_;  // homed here
  std::atomic<std::uint64_t> nextInstance_{0};

  std::mutex outboxMutex_;
  std::vector<Outgoing> outbox_;  // items for stages pinned to another rank

  std::mutex errorMutex_;
  std::string error_;
  std::atomic<bool> failed_{false};
  std::atomic<bool> stageCalledExit_{false};  // a worker waits in exit() for the end of the process
  std::atomic<bool> commLoopOver_{false};     // the communication thread makes no more MPI calls
  std::thread::id commThread_;

  std::vector<std::unique_ptr<BatchBase>> collectors_;  // rank 0: what reached each finish stage
  std::unordered_map<std::uint64_t, StageIndex> reduceOf_;  // regionId(owner, region) -> its reduce
  std::vector<std::thread> workers_;

  // Communication-thread state only: the protocols, each with its own.
  Tree tree_;
  WorkTally tally_;
  Stealing stealing_;
  Waves waves_;
  Shutdown shutdown_;
  RunResult result_;
  Checkpoints checkpoints_;
  SignalStop signalStop_;
  Liveness liveness_;

  // Null unless the run is observed.
  MeasuredTransport* measured_;
  std::unique_ptr<RankRecorder> recorder_;
  std::unique_ptr<Observer> observer_;
  std::optional<Clock::time_point> lastCheckpoint_;  // rank 0: when the last one was written

  // With RankOptions::orderlyFailure: how a failed run ends on every rank.
  std::unique_ptr<Abandon> abandon_;
  void abandonRun();

  static constexpr microseconds kMaxSleep{250};   // see pollCap()
  static constexpr microseconds kBusySleep{3000};
  static constexpr microseconds kIdleSleep{8000};
  static constexpr microseconds kIdleStealSleep{1000};
  static constexpr microseconds kLongIdle{20'000};
  microseconds pollCap();
  // Whether this rank has had nothing to do for kLongIdle (pollCap()),
  // updated on every pass of the loop.
  void noteIdle(Clock::time_point now);
  std::optional<Clock::time_point> idleSince_;
  bool longIdle_ = false;
};

}  // namespace jobstream::detail
