// One rank: worker threads that run chunks of tasks, and the communication
// loop (on the thread that called runRank) that makes every transport call.
//
// Threading. Workers never touch the transport; they exchange work with the
// communication thread through the TaskQueue and the outbox (items bound for
// rank-0 stages), and wake it through the Doorbell. This needs only
// MPI_THREAD_FUNNELED and keeps MPI off the workers' hot path.
//
// Termination: Mattern's four-counter method, counting items rather than
// messages, with control waves over a binomial tree rooted at rank 0.
// Each rank keeps two monotonic counters:
//   created  - items handed to deliver(), counted *before* the batch becomes
//              visible to any other thread or rank (and initial items);
//   finished - items of a chunk, counted *after* the stage's function
//              returned, so after everything it produced was counted created.
// Wave k reads every rank's counters (request down the tree, sums up) giving
// C_k and F_k. Rank 0 starts wave k+1 only after wave k has completed, so
// there is a moment t between them with
//     F_k <= F(t) <= C(t) <= C_{k+1}
// (counters only grow; an item is created before it can be finished). If
// F_k == C_{k+1}, then F(t) == C(t): at t every item ever created had been
// finished. No item existed to make new ones (only processing creates items,
// and rank 0 starts waves after its inits and initial items), so the run was
// over at t. Items in transit, or moved between ranks by stealing, are
// created and not finished wherever they are, so they keep F(t) < C(t): they
// cannot fool the test, whichever rank they are counted on. Nothing here
// depends on message order.
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
#include <vector>

#include "chunk_sizer.hpp"
#include "context.hpp"
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
    rules.pinned.push_back(stage.onRankZero());
    rules.exclusive.push_back(stage.serial || stage.onRankZero());
  }
  return rules;
}

class Rank;

class WorkerEmitter final : public Emitter {
 public:
  explicit WorkerEmitter(Rank& rank) : rank_(rank) {}
  void deliver(StageIndex stage, std::unique_ptr<BatchBase> batch) override;
  std::uint64_t delivered = 0;  // items delivered since the counter was reset (fan-out)

 private:
  Rank& rank_;
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
    if (rank_ == 0)
      for (const StageDef& stage : pipeline.stages)
        collectors_.push_back(stage.kind == StageKind::finish ? stage.input->make() : nullptr);
  }

  RunResult run(std::unique_ptr<BatchBase> initialItems);
  void deliver(StageIndex stage, std::unique_ptr<BatchBase> batch);

 private:
  void work();
  void fail(StageIndex stage, std::string_view what);
  void runInits(std::unique_ptr<BatchBase> initialItems);
  void runFinish();

  bool communicate();  // one pass of the loop; true if anything happened
  void handle(Message& message);
  void send(int dest, MessageKind kind, std::vector<char> bytes);
  bool sendOutbox();
  void maybeSteal();
  void answerSteal(int thief);
  bool maybeStartWave();
  void replyWave();
  void completeWave();
  void beginStop();
  void maybeAcknowledgeStop();
  std::size_t stealLimit() const { return static_cast<std::size_t>(std::max(1.0, kStealBytes / bytesPerItem_)); }
  bool locallyIdle() { return queue_.queuedItems() == 0 && queue_.idleWorkers() == threads_; }

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

  std::atomic<std::uint64_t> created_{0};
  std::atomic<std::uint64_t> finished_{0};

  std::mutex outboxMutex_;
  std::vector<Task> outbox_;  // items for rank-0 stages, made on another rank

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
  std::size_t waveRepliesPending_ = 0;
  WaveCounts waveSums_;
  std::optional<std::uint64_t> lastFinished_;  // F of the previous completed wave (rank 0)
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
  rank_.deliver(stage, std::move(batch));
  delivered += items;
}

void Rank::deliver(StageIndex stage, std::unique_ptr<BatchBase> batch) {
  if (stage >= pipeline_.stages.size() || pipeline_.stages[stage].kind == StageKind::init)
    throw std::logic_error(fmt::format("jobstream: items delivered to stage {}, which takes none", stage));
  const std::size_t items = batch ? batch->size() : 0;
  if (items == 0) return;
  // Counted before the batch is visible anywhere: see the termination proof.
  created_.fetch_add(items);
  Task task{stage, 0, 0, std::shared_ptr<BatchBase>(std::move(batch)), 0, items};
  if (rules_.pinned[stage] && rank_ != 0) {
    {
      std::lock_guard lock(outboxMutex_);
      outbox_.push_back(std::move(task));
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

void Rank::work() {
  ContextScope scope(&context_);
  WorkerEmitter emitter(*this);
  while (std::optional<Task> chunk = queue_.take(sizer_)) {
    const StageDef& stage = pipeline_.stages[chunk->stage];
    const auto start = Clock::now();
    emitter.delivered = 0;
    emitter.current = chunk->stage;
    bool ok = true;
    try {
      if (stage.kind == StageKind::finish) {
        // Exclusive on rank 0, so one worker at a time appends.
        stage.input->append(*collectors_[chunk->stage], *chunk->batch, chunk->begin, chunk->end);
      } else {
        stage.process(*chunk->batch, chunk->begin, chunk->end, emitter);
      }
    } catch (const std::exception& e) {
      ok = false;
      fail(emitter.current, e.what());
    } catch (...) {
      ok = false;
      fail(emitter.current, "unknown exception");
    }
    const auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start);
    sizer_.record(chunk->stage, chunk->size(), emitter.delivered, static_cast<std::uint64_t>(elapsed.count()));
    const std::size_t items = chunk->size();
    chunk->batch.reset();  // the last chunk of a batch frees it now, not at the next take
    if (ok) finished_.fetch_add(items);  // after its outputs were counted created
    queue_.done(*chunk);
  }
}

void Rank::runInits(std::unique_ptr<BatchBase> initialItems) {
  WorkerEmitter emitter(*this);
  for (StageIndex i = 0; i != pipeline_.stages.size() && !failed_.load(); ++i) {
    const StageDef& stage = pipeline_.stages[i];
    if (stage.kind != StageKind::init) continue;
    emitter.current = i;
    try {
      stage.init(emitter);
    } catch (const std::exception& e) {
      fail(emitter.current, e.what());
    } catch (...) {
      fail(emitter.current, "unknown exception");
    }
  }
  if (initialItems && initialItems->size() != 0 && !failed_.load()) deliver(pipeline_.entry, std::move(initialItems));
}

void Rank::runFinish() {
  for (StageIndex i = 0; i != pipeline_.stages.size(); ++i) {
    const StageDef& stage = pipeline_.stages[i];
    if (stage.kind != StageKind::finish) continue;
    try {
      stage.finish(*collectors_[i]);
    } catch (const std::exception& e) {
      fail(i, e.what());
    } catch (...) {
      fail(i, "unknown exception");
    }
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
  for (int i = 0; i != threads_; ++i) workers.emplace_back([this] { work(); });

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
  result_.itemsFinished = finished_.load();
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
  std::vector<Task> tasks;
  {
    std::lock_guard lock(outboxMutex_);
    tasks.swap(outbox_);
  }
  if (tasks.empty()) return false;
  // Everything for one destination in one message.
  send(0, MessageKind::work, encodeTasks(pipeline_, tasks));
  return true;
}

void Rank::handle(Message& message) {
  switch (static_cast<MessageKind>(message.tag)) {
    case MessageKind::work:
    case MessageKind::stolen: {
      std::vector<Task> tasks = decodeTasks(pipeline_, message.bytes);
      for (const Task& task : tasks) {
        if (rules_.pinned[task.stage] && rank_ != 0)
          throw std::runtime_error("jobstream: received items for a rank-0 stage");
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
    case MessageKind::waveRequest: {
      wave_ = decodeWave(message.bytes, false).wave;
      waveSums_ = WaveCounts{wave_, 0, 0};
      waveRepliesPending_ = children_.size();
      for (int child : children_) send(child, MessageKind::waveRequest, encodeWave(waveSums_, false));
      if (waveRepliesPending_ == 0) replyWave();
      break;
    }
    case MessageKind::waveReply: {
      const WaveCounts counts = decodeWave(message.bytes, true);
      if (counts.wave != wave_ || waveRepliesPending_ == 0)
        throw std::runtime_error("jobstream: termination wave out of step");
      waveSums_.created += counts.created;
      waveSums_.finished += counts.finished;
      if (--waveRepliesPending_ == 0) {
        if (rank_ == 0) {
          completeWave();
        } else {
          replyWave();
        }
      }
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
  if (Clock::now() < nextWaveAt_ && !becameIdle) return false;
  waveActive_ = true;
  waveSums_ = WaveCounts{++wave_, 0, 0};
  waveRepliesPending_ = children_.size();
  for (int child : children_) send(child, MessageKind::waveRequest, encodeWave(waveSums_, false));
  if (waveRepliesPending_ == 0) completeWave();
  return true;
}

void Rank::replyWave() {
  WaveCounts counts = waveSums_;
  counts.finished += finished_.load();
  counts.created += created_.load();
  send(parentOf(rank_), MessageKind::waveReply, encodeWave(counts, true));
}

void Rank::completeWave() {
  const std::uint64_t finished = waveSums_.finished + finished_.load();
  const std::uint64_t created = waveSums_.created + created_.load();
  waveActive_ = false;
  if (lastFinished_ && *lastFinished_ == created) {
    beginStop();
    return;
  }
  lastFinished_ = finished;
  // A wave that looked quiet is confirmed at once; while work goes on, waves
  // slow down, so that a long run costs the other ranks next to nothing.
  const auto now = Clock::now();
  if (finished == created) {
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
  for (std::size_t i = 0; i != pipeline.stages.size(); ++i) {
    const StageDef& stage = pipeline.stages[i];
    const bool ok = stage.kind == StageKind::init     ? stage.init != nullptr
                    : stage.kind == StageKind::finish ? stage.input != nullptr && stage.finish != nullptr
                                                      : stage.input != nullptr && stage.process != nullptr;
    if (!ok) throw bad(fmt::format("stage {} ('{}') lacks its function or input type", i, stage.name));
  }
  if (pipeline.stages[pipeline.entry].kind == StageKind::init) throw bad("its entry stage is an init stage");
}

RunResult runRank(const PipelineDef& pipeline, Transport& transport, const RankOptions& options,
                  std::unique_ptr<BatchBase> initialItems) {
  validatePipeline(pipeline);
  Rank rank(pipeline, transport, options);
  return rank.run(std::move(initialItems));
}

}  // namespace jobstream::detail
