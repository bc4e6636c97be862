// The parts of one rank (rank.cpp): its worker threads' side there, its
// communication thread's side in rank_comm.cpp. Internal to libjobstream.
#pragma once

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "chunk_sizer.hpp"
#include "context.hpp"
#include "rank.hpp"
#include "scope.hpp"
#include "task_queue.hpp"
#include "wire.hpp"

namespace jobstream::detail {

using Clock = std::chrono::steady_clock;
using std::chrono::microseconds;

// Binomial tree rooted at 0: a rank's parent clears its lowest set bit; its
// children add each smaller power of two. Depth log2(N), so a wave costs
// 2(N-1) messages and 2 log2(N) hops.
inline int parentOf(int rank) { return rank & (rank - 1); }

inline std::vector<int> childrenOf(int rank, int size) {
  std::vector<int> children;
  const int limit = rank == 0 ? size : (rank & -rank);
  for (int step = 1; step < limit && rank + step < size; step <<= 1) children.push_back(rank + step);
  return children;
}

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

  const std::size_t slot;       // this thread's partial stores
  std::uint64_t scope = 0;      // where what the running call returns goes
  std::uint32_t gen = 0;
  std::uint64_t delivered = 0;  // items delivered since the counter was reset (fan-out)

 private:
  Rank& rank_;
  bool reducing_ = false;
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

class Rank {
 public:
  Rank(const PipelineDef& pipeline, Transport& transport, const RankOptions& options)
      : pipeline_(pipeline),
        transport_(transport),
        rank_(transport.rank()),
        size_(transport.size()),
        threads_(std::max(1, options.threads)),
        rules_(rulesOf(pipeline)),
        queue_(rules_, doorbell_),
        sizer_(pipeline.stages.size()),
        children_(childrenOf(rank_, size_)),
        random_(static_cast<std::uint64_t>(rank_) * 0x9E3779B97F4A7C15ull + 1) {
    if (static_cast<std::uint64_t>(size_) > instance_id::kMaxRanks)
      throw std::runtime_error(fmt::format("jobstream: at most {} ranks are supported", instance_id::kMaxRanks));
    for (int i = 0; i <= threads_; ++i) slots_.push_back(std::make_unique<StoreSlot>());
    if (rank_ == 0) {
      tracker_.emplace(pipeline);
      for (const StageDef& stage : pipeline.stages)
        collectors_.push_back(stage.kind == StageKind::finish ? stage.input->make() : nullptr);
    }
  }

  RunResult run(std::unique_ptr<BatchBase> initialItems);
  void deliver(StageIndex stage, std::unique_ptr<BatchBase> batch, std::uint64_t scope, std::uint32_t gen);
  bool reducesOnDelivery(StageIndex stage, std::size_t slot) const {
    return slot != commSlot() && stage < pipeline_.stages.size() && pipeline_.stages[stage].kind == StageKind::reduce;
  }
  // Runs a reduce over a whole batch in the calling thread, counted like a
  // chunk taken from the queue.
  void reduceNow(StageIndex stage, BatchBase& batch, WorkerEmitter& emitter);

 private:
  void work(std::size_t slot);
  std::size_t runChunk(const StageDef& stage, Task& chunk, WorkerEmitter& emitter);
  std::size_t enterFrames(const StageDef& stage, Task& chunk, WorkerEmitter& emitter);
  BatchBase& partialStore(const StageDef& stage, const ScopeKey& key, std::size_t slot);
  void endInstance(std::uint64_t id, WorkerEmitter& emitter, bool countParent);
  void fail(StageIndex stage, std::string_view what);
  // Runs user code; an exception fails the run against the stage `current`
  // names when it is thrown (generated code updates it). False on failure.
  template <class Call>
  bool guarded(const StageIndex& current, Call&& call) {
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
  void runInits(std::unique_ptr<BatchBase> initialItems);
  void runFinish();

  bool communicate();  // one pass of the loop; true if anything happened
  void handle(Message& message);
  void send(int dest, MessageKind kind, std::vector<char> bytes);
  bool sendOutbox();
  void maybeSteal();
  void answerSteal(int thief);
  bool maybeStartWave();
  void beginWave(WaveRequest request);
  void recall(std::uint64_t id);
  void finishWave();
  void completeWave();
  void beginStop();
  void maybeAcknowledgeStop();
  std::size_t stealLimit() const { return static_cast<std::size_t>(std::max(1.0, kStealBytes / bytesPerItem_)); }
  bool locallyIdle() { return queue_.queuedItems() == 0 && queue_.idleWorkers() == threads_; }
  std::size_t commSlot() const { return static_cast<std::size_t>(threads_); }

  const PipelineDef& pipeline_;
  Transport& transport_;
  const int rank_;
  const int size_;
  const int threads_;
  const StageRules rules_;
  RankContext context_;
  Doorbell doorbell_;
  TaskQueue queue_;
  ChunkSizer sizer_;

  KeyedCounters counters_;
  std::vector<std::unique_ptr<StoreSlot>> slots_;  // one per worker, then the communication thread's

  std::mutex instancesMutex_;
  std::unordered_map<std::uint64_t, std::unique_ptr<Instance>> instances_;  // homed here
  std::atomic<std::uint64_t> nextInstance_{0};

  std::mutex outboxMutex_;
  std::vector<Outgoing> outbox_;  // items for stages pinned to another rank

  std::mutex errorMutex_;
  std::string error_;
  std::atomic<bool> failed_{false};

  std::vector<std::unique_ptr<BatchBase>> collectors_;  // rank 0: what reached each finish stage

  // Communication-thread state only.
  const std::vector<int> children_;
  std::mt19937_64 random_;
  RunResult result_;
  bool stealOutstanding_ = false;
  double bytesPerItem_ = 8;  // on the wire, as measured by the last steal answer
  microseconds stealBackoff_{kMinStealBackoff};
  Clock::time_point nextStealAt_{};
  bool wavesAllowed_ = false;
  bool waveActive_ = false;
  std::uint64_t wave_ = 0;
  WaveRequest request_;  // the wave under way
  WaveReply sums_;       // its sums so far: this rank's subtree
  std::size_t waveRepliesPending_ = 0;
  std::optional<ScopeTracker> tracker_;  // rank 0
  Actions nextActions_;                  // rank 0: for the next wave
  Clock::time_point nextWaveAt_{};
  microseconds waveInterval_{kMinWaveInterval};
  bool wasIdle_ = false;  // rank 0 was locally idle at the last look
  bool stopping_ = false;
  bool stopAcknowledged_ = false;
  std::size_t stopAcksPending_ = 0;
  bool exit_ = false;

  static constexpr double kStealBytes = 512 * 1024;  // per steal answer, about
  static constexpr microseconds kMinStealBackoff{50};
  static constexpr microseconds kMaxStealBackoff{5000};
  static constexpr microseconds kMaxSleep{250};
  static constexpr microseconds kMinWaveInterval{100};
  static constexpr microseconds kMaxWaveInterval{2000};
};

}  // namespace jobstream::detail
