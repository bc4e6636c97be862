// One rank: worker threads that run chunks of tasks, and the communication
// loop (on the thread that called runRank) that makes every transport call.
//
// Threading. Workers never touch the transport; they exchange work with the
// communication thread through the TaskQueue and the outbox (items bound for
// rank-0 stages), and wake it through the Doorbell. This needs only
// MPI_THREAD_FUNNELED and keeps MPI off the workers' hot path.
//
// Termination: Mattern's four-counter method, counting items rather than
// messages, per scope key (scope.hpp), with control waves over a binomial
// tree rooted at rank 0. Each rank keeps two monotonic counters per key:
//   created  - items handed to deliver(), counted *before* the batch becomes
//              visible to any other thread or rank (and initial items);
//   finished - items of a chunk, counted *after* the stage's function
//              returned, so after everything it produced was counted created.
//              An item that starts a frame instance is finished only when
//              the instance ends.
// Wave k reads every rank's counters (request down the tree, sums up) giving
// C_k and F_k per key. Rank 0 starts wave k+1 only after wave k has
// completed, so there is a moment t between them with, for every key,
//     F_k <= F(t) <= C(t) <= C_{k+1}
// (counters only grow; an item is created before it can be finished). If
// F_k == C_{k+1}, then F(t) == C(t): at t every item of that key ever created
// had been finished, and the same t serves every key at once. Items in
// transit, or moved between ranks by stealing, are created and not finished
// wherever they are, so they cannot fool the test. Which keys being quiet at
// t means that a reduction, a frame instance or the run is over is
// ScopeTracker's business (scope.hpp).
//
// Reductions. Each worker folds the items of a reduce into its own partial
// store per key. When rank 0 finds a region over, the next wave request
// carries a fire order; on the way back up the tree every rank merges its
// workers' partial stores and its children's merged ones with one call of
// the reduce (through `others`) and sends one store to its parent. Rank 0
// calls leave() on the last one, so what the reduce emits enters the next
// region. Merging costs log2(N) steps of one store each, not N.
//
// Frames. An item reaching a frame starts an instance on the rank that runs
// it (its home): the instance's store, its first item and its frame_end calls
// live there, and items for its frame_end travel there. When rank 0 finds an
// instance quiet, the next wave asks its home to call the frame function
// again, which recurs a new generation or ends the instance.
//
// Stopping: rank 0 sends `stop` down the tree. A rank stops asking for work,
// waits for the answer to its own outstanding steal request, then sends
// `stopAck` up once its subtree has acknowledged. When all have, rank 0
// sends `exit` down the tree. So no message is in flight when a rank leaves.
//
// Stealing: a rank whose queue runs low asks one random rank for work (one
// request outstanding at a time, with exponential backoff when refused). The
// victim's communication thread gives about half of its queued items, from
// the back of its queue, splitting a task's range if needed; never items for
// rank-0 stages.
#include "rank.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "chunk_sizer.hpp"
#include "context.hpp"
#include "scope.hpp"
#include "task_queue.hpp"
#include "wire.hpp"

namespace jobstream::detail {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::microseconds;

// Binomial tree rooted at 0: a rank's parent clears its lowest set bit; its
// children add each smaller power of two. Depth log2(N), so a wave costs
// 2(N-1) messages and 2 log2(N) hops.
int parentOf(int rank) { return rank & (rank - 1); }

std::vector<int> childrenOf(int rank, int size) {
  std::vector<int> children;
  const int limit = rank == 0 ? size : (rank & -rank);
  for (int step = 1; step < limit && rank + step < size; step <<= 1) children.push_back(rank + step);
  return children;
}

StageRules rulesOf(const PipelineDef& pipeline) {
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

void WorkerEmitter::deliver(StageIndex stage, std::unique_ptr<BatchBase> batch) {
  const std::size_t items = batch ? batch->size() : 0;
  if (items != 0 && !reducing_ && rank_.reducesOnDelivery(stage, slot)) {
    // Items bound for a reduce are folded into this thread's partial store
    // at once, while they are still in cache, instead of being queued: the
    // same counting as a queued chunk, without the round trip. One level
    // only, so a reduce that recurs into itself goes through the queue; and
    // workers only: the communication thread's slot holds stores that a
    // merge puts back.
    reducing_ = true;
    const StageIndex caller = current;
    try {
      rank_.reduceNow(stage, *batch, *this);
    } catch (...) {
      reducing_ = false;
      throw;  // `current` names the reduce
    }
    reducing_ = false;
    current = caller;
  } else {
    rank_.deliver(stage, std::move(batch), scope, gen);
  }
  delivered += items;
}

void Rank::deliver(StageIndex stage, std::unique_ptr<BatchBase> batch, std::uint64_t scope, std::uint32_t gen) {
  if (stage >= pipeline_.stages.size() || pipeline_.stages[stage].kind == StageKind::init ||
      pipeline_.stages[stage].kind == StageKind::emit)
    throw std::logic_error(fmt::format("jobstream: items delivered to stage {}, which takes none", stage));
  const std::size_t items = batch ? batch->size() : 0;
  if (items == 0) return;
  // Counted before the batch is visible anywhere: see the termination proof.
  counters_.created(ScopeKey{scope, gen, pipeline_.stages[stage].region}, items);
  Task task{stage, scope, gen, std::shared_ptr<BatchBase>(std::move(batch)), 0, items};
  int dest = rank_;
  if (pipeline_.stages[stage].kind == StageKind::frame_end)
    dest = instance_id::home(scope);
  else if (rules_.pinned[stage])
    dest = 0;
  if (dest != rank_) {
    {
      std::lock_guard lock(outboxMutex_);
      outbox_.push_back(Outgoing{dest, std::move(task)});
    }
    doorbell_.ring();
  } else {
    queue_.pushFront(std::move(task));
  }
}

void Rank::fail(StageIndex stage, std::string_view what) {
  {
    std::lock_guard lock(errorMutex_);
    if (error_.empty())
      error_ = fmt::format("jobstream: error: stage '{}' failed on rank {}: {}", pipeline_.stages[stage].name,
                           rank_, what);
  }
  failed_.store(true);
  doorbell_.ring();
}

void Rank::work(std::size_t slot) {
  ContextScope scope(&context_);
  WorkerEmitter emitter(*this, slot);
  while (std::optional<Task> chunk = queue_.take(sizer_)) {
    const StageDef& stage = pipeline_.stages[chunk->stage];
    const auto start = Clock::now();
    emitter.delivered = 0;
    emitter.current = chunk->stage;
    emitter.scope = chunk->scope;
    emitter.gen = chunk->gen;
    std::size_t kept = 0;  // items that started a frame instance: finished when it ends
    const bool ok = guarded(emitter.current, [&] { kept = runChunk(stage, *chunk, emitter); });
    const auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start);
    sizer_.record(chunk->stage, chunk->size(), emitter.delivered, static_cast<std::uint64_t>(elapsed.count()));
    const std::size_t items = chunk->size();
    chunk->batch.reset();  // the last chunk of a batch frees it now, not at the next take
    // After its outputs were counted created.
    if (ok && items != kept) counters_.finished(ScopeKey{chunk->scope, chunk->gen, stage.region}, items - kept);
    queue_.done(*chunk);
  }
}

std::size_t Rank::runChunk(const StageDef& stage, Task& chunk, WorkerEmitter& emitter) {
  switch (stage.kind) {
    case StageKind::finish:
      // Exclusive on rank 0, so one worker at a time appends.
      stage.input->append(*collectors_[chunk.stage], *chunk.batch, chunk.begin, chunk.end);
      return 0;
    case StageKind::reduce:
      stage.reduce(partialStore(stage, ScopeKey{chunk.scope, chunk.gen, stage.region}, emitter.slot), *chunk.batch,
                   chunk.begin, chunk.end, emitter);
      return 0;
    case StageKind::frame:
      return enterFrames(stage, chunk, emitter);
    case StageKind::frame_end: {
      Instance* instance;
      {
        std::lock_guard lock(instancesMutex_);
        const auto it = instances_.find(chunk.scope);
        if (it == instances_.end()) throw std::runtime_error("items reached the end of a frame instance that is over");
        instance = it->second.get();
      }
      // What frame_end returns is the next generation of the instance.
      std::lock_guard lock(instance->mutex);
      emitter.gen = chunk.gen + 1;
      instance->maxGen = std::max(instance->maxGen, emitter.gen);
      stage.frameEnd(*instance->store, *chunk.batch, chunk.begin, chunk.end, emitter);
      return 0;
    }
    default:
      stage.process(*chunk.batch, chunk.begin, chunk.end, emitter);
      return 0;
  }
}

BatchBase& Rank::partialStore(const StageDef& stage, const ScopeKey& key, std::size_t slotIndex) {
  // Only this thread adds to its slot; the communication thread takes a
  // key's store only once the key is quiet, so none is in use then.
  StoreSlot& slot = *slots_[slotIndex];
  std::lock_guard lock(slot.mutex);
  std::unique_ptr<BatchBase>& partial = slot.stores[key];
  if (!partial) partial = stage.newStore();
  return *partial;
}

void Rank::reduceNow(StageIndex index, BatchBase& batch, WorkerEmitter& emitter) {
  const StageDef& stage = pipeline_.stages[index];
  const ScopeKey key{emitter.scope, emitter.gen, stage.region};
  const std::size_t items = batch.size();
  counters_.created(key, items);
  emitter.current = index;
  stage.reduce(partialStore(stage, key, emitter.slot), batch, 0, items, emitter);
  counters_.finished(key, items);  // after what it returned was counted created
}

std::size_t Rank::enterFrames(const StageDef& stage, Task& chunk, WorkerEmitter& emitter) {
  std::size_t kept = 0;
  const ScopeKey parent{chunk.scope, chunk.gen, stage.region};
  for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
    auto instance = std::make_unique<Instance>();
    instance->frame = chunk.stage;
    instance->parent = parent;
    instance->store = stage.newStore();
    instance->first = stage.input->make();
    stage.input->append(*instance->first, *chunk.batch, i, i + 1);
    const std::uint64_t id = instance_id::make(rank_, chunk.stage, nextInstance_.fetch_add(1));
    Instance& entered = *instance;
    {
      // Registered first: what the frame function returns may reach the
      // frame_end on another worker before the call has returned.
      std::lock_guard lock(instancesMutex_);
      instances_.emplace(id, std::move(instance));
    }
    bool recurred;
    {
      std::lock_guard lock(entered.mutex);
      emitter.scope = id;
      emitter.gen = 0;
      emitter.current = chunk.stage;
      recurred = stage.enter(*entered.store, *entered.first, emitter);
    }
    if (recurred) {
      ++kept;
    } else {
      endInstance(id, emitter, false);  // the chunk counts its item finished
    }
  }
  emitter.scope = chunk.scope;
  emitter.gen = chunk.gen;
  return kept;
}

void Rank::endInstance(std::uint64_t id, WorkerEmitter& emitter, bool countParent) {
  std::unique_ptr<Instance> instance;
  {
    std::lock_guard lock(instancesMutex_);
    const auto it = instances_.find(id);
    if (it == instances_.end()) throw std::logic_error("jobstream: ended a frame instance twice");
    instance = std::move(it->second);
    instances_.erase(it);
  }
  const StageIndex end = pipeline_.stages[instance->frame].partner;
  emitter.scope = instance->parent.scope;
  emitter.gen = instance->parent.gen;
  emitter.current = end;
  pipeline_.stages[end].leave(*instance->store, emitter);
  if (countParent) counters_.finished(instance->parent, 1);
}

void Rank::runInits(std::unique_ptr<BatchBase> initialItems) {
  WorkerEmitter emitter(*this, commSlot());
  for (StageIndex i = 0; i != pipeline_.stages.size() && !failed_.load(); ++i) {
    const StageDef& stage = pipeline_.stages[i];
    if (stage.kind != StageKind::init) continue;
    emitter.current = i;
    guarded(emitter.current, [&] { stage.init(emitter); });
  }
  if (initialItems && initialItems->size() != 0 && !failed_.load())
    deliver(pipeline_.entry, std::move(initialItems), 0, 0);
}

void Rank::runFinish() {
  for (StageIndex i = 0; i != pipeline_.stages.size(); ++i) {
    const StageDef& stage = pipeline_.stages[i];
    if (stage.kind != StageKind::finish) continue;
    guarded(i, [&] { stage.finish(*collectors_[i]); });
  }
}

RunResult Rank::run(std::unique_ptr<BatchBase> initialItems) {
  context_ = RankContext{rank_, size_, threads_,
                         static_cast<int>(transport_.sumOverRanks(threads_))};
  ContextScope scope(&context_);
  if (rank_ == 0) runInits(std::move(initialItems));
  // Waves start only once all initial work is counted (see the proof above).
  wavesAllowed_ = rank_ == 0;

  std::vector<std::thread> workers;
  workers.reserve(static_cast<std::size_t>(threads_));
  for (int i = 0; i != threads_; ++i)
    workers.emplace_back([this, i] { work(static_cast<std::size_t>(i)); });

  microseconds sleep{10};
  bool failedHere = false;
  while (!exit_) {
    if (failed_.load()) {
      failedHere = true;
      break;
    }
    if (transport_.aborted()) {
      result_.exitCode = 1;
      result_.error = "jobstream: error: the run was stopped because another rank failed";
      break;
    }
    bool progress = false;
    try {
      progress = communicate();
    } catch (const std::exception& e) {
      std::lock_guard lock(errorMutex_);
      if (error_.empty()) error_ = fmt::format("jobstream: error: rank {}: {}", rank_, e.what());
      failed_.store(true);
      continue;
    }
    if (progress) {
      sleep = microseconds{10};
    } else {
      // Nothing to do: sleep, but wake at once for local events, and poll
      // the transport at least every kMaxSleep.
      doorbell_.waitFor(sleep);
      sleep = std::min(sleep * 2, kMaxSleep);
    }
  }

  if (failedHere) {
    {
      std::lock_guard lock(errorMutex_);
      result_.error = error_;
    }
    result_.exitCode = 1;
    std::cerr << result_.error << std::endl;
    transport_.abort(1);  // MPI_Abort does not return; the loopback marks every rank aborted
  }
  queue_.stop();
  for (std::thread& worker : workers) worker.join();

  if (rank_ == 0 && result_.exitCode == 0) {
    runFinish();
    if (failed_.load()) {
      std::lock_guard lock(errorMutex_);
      result_.error = error_;
      result_.exitCode = 1;
      std::cerr << result_.error << std::endl;
    }
  }
  while (!transport_.flushed()) std::this_thread::yield();
  result_.itemsFinished = counters_.total().finished;
  result_.peakQueuedItems = queue_.peakQueuedItems();
  return result_;
}

bool Rank::communicate() {
  bool progress = false;
  for (int i = 0; i != 256; ++i) {
    std::optional<Message> message = transport_.poll();
    if (!message) break;
    handle(*message);
    progress = true;
  }
  progress |= sendOutbox();
  maybeSteal();
  progress |= maybeStartWave();
  maybeAcknowledgeStop();
  return progress;
}

void Rank::send(int dest, MessageKind kind, std::vector<char> bytes) {
  transport_.send(dest, static_cast<int>(kind), std::move(bytes));
  ++result_.messagesSent;
}

bool Rank::sendOutbox() {
  std::vector<Outgoing> outgoing;
  {
    std::lock_guard lock(outboxMutex_);
    outgoing.swap(outbox_);
  }
  if (outgoing.empty()) return false;
  // Everything for one destination in one message.
  std::stable_sort(outgoing.begin(), outgoing.end(), [](const Outgoing& a, const Outgoing& b) { return a.dest < b.dest; });
  std::vector<Task> tasks;
  for (std::size_t i = 0; i != outgoing.size(); ++i) {
    tasks.push_back(std::move(outgoing[i].task));
    if (i + 1 == outgoing.size() || outgoing[i + 1].dest != outgoing[i].dest) {
      send(outgoing[i].dest, MessageKind::work, encodeTasks(pipeline_, tasks));
      tasks.clear();
    }
  }
  return true;
}

void Rank::handle(Message& message) {
  switch (static_cast<MessageKind>(message.tag)) {
    case MessageKind::work:
    case MessageKind::stolen: {
      std::vector<Task> tasks = decodeTasks(pipeline_, message.bytes);
      for (const Task& task : tasks) {
        const StageDef& stage = pipeline_.stages[task.stage];
        const bool misrouted = stage.kind == StageKind::frame_end ? instance_id::home(task.scope) != rank_
                                                                    : rules_.pinned[task.stage] && rank_ != 0;
        if (misrouted) throw std::runtime_error("jobstream: received items for a stage pinned to another rank");
        if (stage.kind == StageKind::init || stage.kind == StageKind::emit)
          throw std::runtime_error("jobstream: received items for a stage that takes none");
        result_.itemsReceived += task.size();
      }
      queue_.pushBack(std::move(tasks));
      if (static_cast<MessageKind>(message.tag) == MessageKind::stolen) {
        stealOutstanding_ = false;
        stealBackoff_ = kMinStealBackoff;
        nextStealAt_ = Clock::now();
      }
      break;
    }
    case MessageKind::stealRequest:
      decodeSignal(message.bytes);
      answerSteal(message.source);
      break;
    case MessageKind::stealRefused:
      decodeSignal(message.bytes);
      stealOutstanding_ = false;
      nextStealAt_ = Clock::now() + stealBackoff_;
      stealBackoff_ = std::min(stealBackoff_ * 2, kMaxStealBackoff);
      break;
    case MessageKind::waveRequest:
      if (rank_ == 0 || waveActive_) throw std::runtime_error("jobstream: termination wave out of step");
      beginWave(decodeWaveRequest(pipeline_, message.bytes));
      break;
    case MessageKind::waveReply: {
      WaveReply reply = decodeWaveReply(pipeline_, request_.actions.fires, message.bytes);
      if (!waveActive_ || reply.wave != wave_ || waveRepliesPending_ == 0)
        throw std::runtime_error("jobstream: termination wave out of step");
      for (const auto& [key, counts] : reply.counts) {
        Counts& sum = sums_.counts[key];
        sum.created += counts.created;
        sum.finished += counts.finished;
      }
      for (std::size_t i = 0; i != reply.fires.size(); ++i) {
        FireResult& mine = sums_.fires[i];
        mine.recurred |= reply.fires[i].recurred;
        BatchBase& theirs = *reply.fires[i].stores;
        if (theirs.size() != 0) {
          const ItemType& type = *pipeline_.stages[request_.actions.fires[i].reduce].store;
          type.append(*mine.stores, theirs, 0, theirs.size());
        }
      }
      sums_.recalls.insert(sums_.recalls.end(), reply.recalls.begin(), reply.recalls.end());
      if (--waveRepliesPending_ == 0) finishWave();
      break;
    }
    case MessageKind::stop:
      decodeSignal(message.bytes);
      beginStop();
      break;
    case MessageKind::stopAck:
      decodeSignal(message.bytes);
      if (stopAcksPending_ == 0) throw std::runtime_error("jobstream: unexpected stop acknowledgement");
      --stopAcksPending_;
      break;
    case MessageKind::exit:
      decodeSignal(message.bytes);
      for (int child : children_) send(child, MessageKind::exit, encodeSignal());
      exit_ = true;
      break;
    default:
      throw std::runtime_error(fmt::format("jobstream: received a message of unknown kind {}", message.tag));
  }
}

void Rank::maybeSteal() {
  if (size_ == 1 || stopping_ || stealOutstanding_ || Clock::now() < nextStealAt_) return;
  // Ask before running dry (about 1 ms of work per worker left), so that
  // work keeps flowing while the answer travels.
  if (queue_.queuedChunks(sizer_) >= 2 * static_cast<std::size_t>(threads_)) return;
  int victim = static_cast<int>(random_() % static_cast<std::uint64_t>(size_ - 1));
  if (victim >= rank_) ++victim;
  send(victim, MessageKind::stealRequest, encodeSignal());
  stealOutstanding_ = true;
}

void Rank::answerSteal(int thief) {
  std::vector<Task> given;
  if (!stopping_) {
    const std::size_t stealable = queue_.stealableItems();
    // Half, but in pieces of bounded size: a thief starts on the first piece
    // while it asks for the next, and no message needs a huge fresh buffer.
    std::size_t give = std::min(stealable / 2, stealLimit());
    // A last item goes only if every worker here is busy with something else.
    if (give == 0 && stealable == 1 && queue_.idleWorkers() == 0) give = 1;
    if (give != 0) given = queue_.giveAway(give);
  }
  if (given.empty()) {
    send(thief, MessageKind::stealRefused, encodeSignal());
    return;
  }
  std::size_t items = 0;
  for (const Task& task : given) items += task.size();
  std::vector<char> bytes = encodeTasks(pipeline_, given, static_cast<std::size_t>(bytesPerItem_ * static_cast<double>(items)) + 64);
  bytesPerItem_ = std::max(1.0, static_cast<double>(bytes.size()) / static_cast<double>(items));
  send(thief, MessageKind::stolen, std::move(bytes));
}

bool Rank::maybeStartWave() {
  if (!wavesAllowed_ || waveActive_ || stopping_) return false;
  // Rank 0 running out of work is the likeliest moment for the end.
  const bool idle = locallyIdle();
  const bool becameIdle = idle && !wasIdle_;
  wasIdle_ = idle;
  if (Clock::now() < nextWaveAt_ && !becameIdle && nextActions_.empty()) return false;
  WaveRequest request;
  request.wave = wave_ + 1;
  request.actions = std::move(nextActions_);
  nextActions_ = Actions{};
  beginWave(std::move(request));
  return true;
}

// A wave reaches this rank (rank 0: starts): apply rank 0's actions that
// need no reply, pass the request on, and reply once the children have.
void Rank::beginWave(WaveRequest request) {
  waveActive_ = true;
  wave_ = request.wave;
  request_ = std::move(request);
  sums_ = WaveReply{};
  sums_.wave = wave_;
  for (const FireOrder& fire : request_.actions.fires)
    sums_.fires.push_back(FireResult{false, pipeline_.stages[fire.reduce].store->make()});
  for (const Retire& retire : request_.actions.retires) counters_.retire(retire.scope, retire.gen, retire.upTo);
  if (!children_.empty()) {
    const std::vector<char> bytes = encodeWaveRequest(request_);
    for (int child : children_) send(child, MessageKind::waveRequest, bytes);
  }
  for (const std::uint64_t id : request_.actions.recalls)
    if (instance_id::home(id) == rank_) recall(id);
  waveRepliesPending_ = children_.size();
  if (waveRepliesPending_ == 0) finishWave();
}

// The frame function again, on a quiet instance: more work for its body, or
// the end of the instance.
void Rank::recall(std::uint64_t id) {
  Instance* instance;
  {
    std::lock_guard lock(instancesMutex_);
    const auto it = instances_.find(id);
    if (it == instances_.end()) throw std::runtime_error("jobstream: asked to recall a frame instance that is not here");
    instance = it->second.get();
  }
  WorkerEmitter emitter(*this, commSlot());
  emitter.current = instance->frame;
  guarded(emitter.current, [&] {
    bool recurred;
    {
      std::lock_guard lock(instance->mutex);
      emitter.scope = id;
      emitter.gen = instance->maxGen + 1;
      recurred = pipeline_.stages[instance->frame].enter(*instance->store, *instance->first, emitter);
      if (recurred) instance->maxGen = emitter.gen;
    }
    if (!recurred) endInstance(id, emitter, true);
    sums_.recalls.emplace_back(id, !recurred);
  });
}

// Every child has replied: merge the stores of the fired reductions, add
// this rank's counts and pass the sums up.
void Rank::finishWave() {
  for (std::size_t i = 0; i != request_.actions.fires.size(); ++i) {
    const FireOrder& fire = request_.actions.fires[i];
    const StageDef& stage = pipeline_.stages[fire.reduce];
    FireResult& result = sums_.fires[i];
    for (const std::unique_ptr<StoreSlot>& slot : slots_) {
      std::unique_ptr<BatchBase> partial;
      {
        std::lock_guard lock(slot->mutex);
        const auto it = slot->stores.find(fire.key);
        if (it == slot->stores.end()) continue;
        partial = std::move(it->second);
        slot->stores.erase(it);
      }
      stage.store->append(*result.stores, *partial, 0, partial->size());
    }
    if (result.stores->size() < 2) continue;
    WorkerEmitter emitter(*this, commSlot());
    emitter.scope = fire.key.scope;
    emitter.gen = fire.key.gen;
    emitter.current = fire.reduce;
    if (!guarded(emitter.current, [&] { stage.merge(*result.stores, emitter); })) return;
    if (emitter.delivered != 0) result.recurred = true;
    std::unique_ptr<BatchBase> merged = stage.store->make();
    stage.store->append(*merged, *result.stores, 0, 1);
    result.stores = std::move(merged);
  }
  counters_.addTo(sums_.counts);
  if (rank_ != 0) {
    send(parentOf(rank_), MessageKind::waveReply, encodeWaveReply(pipeline_, request_.actions.fires, sums_));
    waveActive_ = false;
    return;
  }
  completeWave();
}

void Rank::completeWave() {
  waveActive_ = false;
  ScopeTracker& tracker = *tracker_;
  for (std::size_t i = 0; i != request_.actions.fires.size(); ++i) {
    const FireOrder& fire = request_.actions.fires[i];
    const StageDef& stage = pipeline_.stages[fire.reduce];
    FireResult& result = sums_.fires[i];
    if (result.recurred) {
      // Not over after all: the merged store waits here for the rest.
      if (result.stores->size() != 0) {
        StoreSlot& slot = *slots_[commSlot()];
        std::lock_guard lock(slot.mutex);
        slot.stores[fire.key] = std::move(result.stores);
      }
    } else {
      std::unique_ptr<BatchBase> store = result.stores->size() != 0 ? std::move(result.stores) : stage.newStore();
      WorkerEmitter emitter(*this, commSlot());
      emitter.scope = fire.key.scope;
      emitter.gen = fire.key.gen;
      emitter.current = fire.reduce;
      if (!guarded(emitter.current, [&] { stage.leave(*store, emitter); })) return;
    }
    tracker.fired(fire, result.recurred, wave_);
  }
  for (const auto& [id, ended] : sums_.recalls) tracker.recalled(id, ended, wave_);

  nextActions_ = tracker.evaluate(wave_, sums_.counts);
  if (tracker.done()) {
    beginStop();
    return;
  }
  // A wave that looked quiet, or that has orders to carry, goes at once;
  // while work goes on, waves slow down, so that a long run costs the other
  // ranks next to nothing.
  Counts total;
  for (const auto& [key, counts] : sums_.counts) {
    total.created += counts.created;
    total.finished += counts.finished;
  }
  const auto now = Clock::now();
  if (total.finished == total.created || !nextActions_.empty() || tracker.pending()) {
    nextWaveAt_ = now;
    waveInterval_ = kMinWaveInterval;
  } else {
    nextWaveAt_ = now + waveInterval_;
    waveInterval_ = std::min(waveInterval_ * 2, kMaxWaveInterval);
  }
}

void Rank::beginStop() {
  if (stopping_) throw std::runtime_error("jobstream: stopped twice");
  stopping_ = true;
  stopAcksPending_ = children_.size();
  for (int child : children_) send(child, MessageKind::stop, encodeSignal());
}

void Rank::maybeAcknowledgeStop() {
  if (!stopping_ || stopAcknowledged_ || stopAcksPending_ != 0 || stealOutstanding_) return;
  stopAcknowledged_ = true;
  if (rank_ == 0) {
    for (int child : children_) send(child, MessageKind::exit, encodeSignal());
    exit_ = true;
  } else {
    send(parentOf(rank_), MessageKind::stopAck, encodeSignal());
  }
}

}  // namespace

void validatePipeline(const PipelineDef& pipeline) {
  const auto bad = [&](const std::string& what) {
    return std::invalid_argument(fmt::format("jobstream: pipeline '{}' is malformed: {}", pipeline.name, what));
  };
  if (pipeline.stages.empty()) throw bad("it has no stages");
  if (pipeline.entry >= pipeline.stages.size()) throw bad("its entry stage does not exist");
  const auto count = pipeline.stages.size();
  const auto isKind = [&](StageIndex i, StageKind kind) { return i < count && pipeline.stages[i].kind == kind; };
  for (StageIndex i = 0; i != count; ++i) {
    const StageDef& stage = pipeline.stages[i];
    bool ok = false;
    switch (stage.kind) {
      case StageKind::init:
        ok = stage.init != nullptr;
        break;
      case StageKind::finish:
        ok = stage.input != nullptr && stage.finish != nullptr;
        break;
      case StageKind::emit:
        ok = true;
        break;
      case StageKind::reduce:
        ok = stage.input && stage.store && stage.newStore && stage.reduce && stage.merge && stage.leave;
        break;
      case StageKind::frame:
        ok = stage.input && stage.store && stage.newStore && stage.enter && isKind(stage.partner, StageKind::frame_end) &&
             pipeline.stages[stage.partner].partner == i && i < instance_id::kMaxStages;
        break;
      case StageKind::frame_end:
        ok = stage.input && stage.store && stage.frameEnd && stage.leave && isKind(stage.partner, StageKind::frame) &&
             stage.owner == stage.partner;
        break;
      default:
        ok = stage.input != nullptr && stage.process != nullptr;
        break;
    }
    if (!ok) throw bad(fmt::format("stage {} ('{}') lacks its function, its types or its partner", i, stage.name));
    if (stage.kind != StageKind::init && stage.owner != kNoStage && !isKind(stage.owner, StageKind::frame))
      throw bad(fmt::format("stage {} ('{}') is in the body of a stage that is not a frame", i, stage.name));
  }
  const StageKind entry = pipeline.stages[pipeline.entry].kind;
  if (entry == StageKind::init || entry == StageKind::emit) throw bad("its entry stage takes no items");
  try {
    ScopeTracker check(pipeline);
  } catch (const std::exception& e) {
    throw bad(e.what());
  }
}

RunResult runRank(const PipelineDef& pipeline, Transport& transport, const RankOptions& options,
                  std::unique_ptr<BatchBase> initialItems) {
  validatePipeline(pipeline);
  Rank rank(pipeline, transport, options);
  return rank.run(std::move(initialItems));
}

}  // namespace jobstream::detail
