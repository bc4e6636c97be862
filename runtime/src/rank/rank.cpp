// One rank: worker threads that run chunks of tasks, and the communication
// loop (on the thread that called runRank) that makes every transport call.
//
// Threading. Workers never touch the transport; they exchange work with the
// communication thread through the TaskQueue and the outbox (items bound for
// rank-0 stages), and wake it through the Doorbell. This needs only
// MPI_THREAD_FUNNELED and keeps MPI off the workers' hot path.
//
// Termination (termination/waves.hpp says why it is right): each rank
// keeps two monotonic counters per scope key:
//   created  - items handed to deliver(), counted *before* the batch becomes
//              visible to any other thread or rank (and initial items);
//   finished - items of a chunk, counted *after* the stage's function
//              returned, so after everything it produced was counted created.
//              An item that starts a frame instance is finished only when
//              the instance ends.
//
// Reductions (reductions.cpp) and frames (frames.cpp) are explained where
// they are done.
#include "rank/rank_impl.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "jobstream/detail/exit_status.hpp"
#include "jobstream/detail/report.hpp"

namespace jobstream::detail {

bool WorkerEmitter::foldsAtOnce(StageIndex stage) const {
  // A thread holds at most one serial lock (see Rank::serialLocks_): under
  // one, items for a serial reduce go through the queue.
  return !reducing_ && !(holdsSerial && rank_.isSerial(stage)) && rank_.reducesOnDelivery(stage, slot);
}

void WorkerEmitter::deliver(StageIndex stage, std::unique_ptr<BatchBase> batch) {
  const std::size_t items = batch ? batch->size() : 0;
  if (items != 0 && foldsAtOnce(stage)) {
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
    throw std::logic_error(fmt::format("items delivered to stage {}, which takes none", stage));
  const std::size_t items = batch ? batch->size() : 0;
  if (items == 0) return;
  // Counted before the batch is visible anywhere: see the termination proof.
  counters_.created(ScopeKey{scope, gen, pipeline_.stages[stage].region}, items);
  Task task{stage, scope, gen, std::shared_ptr<BatchBase>(std::move(batch)), 0, items};
  const int required = requiredRank(pipeline_.stages[stage], scope, size_);
  const int dest = required < 0 ? rank_ : required;
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

// How long the loop may sleep between polls when nothing happens. Each poll
// wakes this thread on a core that the workers need; on a rank whose workers
// are all busy, a remote message (a steal request, items, a wave) can wait a
// little, so polls are twelve times rarer there. A rank with an idle worker,
// a steal under way, sends under way, a steal answered a moment ago (its
// thief may soon ask again), a checkpoint's pause or the stop polls often:
// it is on someone's critical path. (A termination wave is
// not: while this rank's workers are busy, its answers are not the end of
// the run.)
//
// A rank that has had nothing to do for a while (kLongIdle: waiting for
// work that does not come, or for the rest of the run to end) polls every
// sixteenth of the time it has been idle, up to every 8 ms (every 1 ms
// while its own steal request awaits an answer): each
// poll costs a wake-up of its own, and such a rank would otherwise spend
// several percent of a core on them. A message to it waits a little longer
// (a wave, the stop: the end of a run in which this rank had long been
// idle), never longer than that. Work it receives ends its idleness at once.
std::chrono::microseconds Rank::pollCap() {
  if (shutdown_.stopping() || !checkpoints_.running() || failed_.load()) return kMaxSleep;
  if (longIdle_) {
    // The longer idle, the rarer the polls: a rank idle for a moment (the
    // other ranks finishing the last items, the end of the run coming)
    // still answers within a few milliseconds, one idle for long costs
    // little. About 16 polls per doubling of the idle time, so few in all.
    const auto idleFor = std::chrono::duration_cast<microseconds>(Clock::now() - *idleSince_);
    const microseconds most = stealing_.outstanding() ? kIdleStealSleep : kIdleSleep;
    return std::clamp(idleFor / 16, kMaxSleep, most);
  }
  // Large messages leave only as the transport is polled (MPI moves a
  // rendezvous send on the sender's calls): a rank with sends under way is
  // on the receiver's critical path, however busy its workers are.
  const bool waiting = queue_.idleWorkers() != 0 || stealing_.outstanding() || !transport_.flushed() ||
                       stealing_.gaveRecently(Clock::now());
  return waiting ? kMaxSleep : kBusySleep;
}

void Rank::noteIdle(Clock::time_point now) {
  if (!locallyIdle()) {
    idleSince_.reset();
    longIdle_ = false;
    return;
  }
  if (!idleSince_) idleSince_ = now;
  longIdle_ = now - *idleSince_ >= kLongIdle;
}

void Rank::work(std::size_t slot) {
  ContextScope scope(&context_);
  WorkerEmitter emitter(*this, slot);
  ThreadLog* log = recorder_ ? &recorder_->log(slot) : nullptr;
  auto idleSince = Clock::now();
  std::shared_ptr<BatchBase> drawBuffer;  // items drawn from a source, its memory reused chunk after chunk
  while (std::optional<Task> chunk = queue_.take(sizer_)) {
    const StageDef& stage = pipeline_.stages[chunk->stage];
    const auto start = Clock::now();
    std::uint64_t cpuStart = 0;
    if (log) {
      cpuStart = RankRecorder::threadCpuNs();
      log->nestedNs = log->nestedCpuNs = 0;
      // Waits shorter than this are the queue's own cost, not a lack of work.
      if (recorder_->spans() && start - idleSince > microseconds{50})
        log->span(Span{recorder_->since(idleSince), recorder_->since(start) - recorder_->since(idleSince), 0, 1, 0,
                       -1, log->thread, SpanKind::wait});
    }
    if (chunk->source && !drawChunk(*chunk, drawBuffer, emitter, log)) {
      queue_.done(*chunk);
      if (log) idleSince = Clock::now();
      continue;
    }
    emitter.delivered = 0;
    emitter.current = chunk->stage;
    emitter.scope = chunk->scope;
    emitter.gen = chunk->gen;
    std::size_t kept = 0;  // items that started a frame instance: finished when it ends
    const bool ok = guarded(emitter.current, [&] { kept = runChunk(stage, *chunk, emitter); });
    const auto end = Clock::now();
    const auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(end - start);
    sizer_.record(chunk->stage, chunk->size(), emitter.delivered, static_cast<std::uint64_t>(elapsed.count()));
    if (log) recordChunk(*log, *chunk, emitter.delivered, start, end, cpuStart);
    const std::size_t items = chunk->size();
    chunk->batch.reset();  // the last chunk of a batch frees it now, not at the next take
    // After its outputs were counted created.
    if (ok && items != kept) counters_.finished(ScopeKey{chunk->scope, chunk->gen, stage.region}, items - kept);
    queue_.done(*chunk);
    if (log) idleSince = Clock::now();
  }
}

std::size_t Rank::runChunk(const StageDef& stage, Task& chunk, WorkerEmitter& emitter) {
  switch (stage.kind) {
    case StageKind::finish:
      // Exclusive on rank 0, so one worker at a time appends.
      stage.input->append(*collectors_[chunk.stage], *chunk.batch, chunk.begin, chunk.end);
      return 0;
    case StageKind::reduce: {
      BatchBase& store = partialStore(stage, ScopeKey{chunk.scope, chunk.gen, stage.region}, emitter.slot);
      SerialCall call(serialLockOf(chunk.stage), &emitter);
      stage.reduce(store, *chunk.batch, chunk.begin, chunk.end, emitter);
      return 0;
    }
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
      SerialCall call(serialLockOf(chunk.stage), &emitter);
      stage.frameEnd(*instance->store, *chunk.batch, chunk.begin, chunk.end, emitter);
      return 0;
    }
    default: {
      SerialCall call(serialLockOf(chunk.stage), &emitter);
      stage.process(*chunk.batch, chunk.begin, chunk.end, emitter);
      return 0;
    }
  }
}

void Rank::runInits(std::unique_ptr<BatchBase> initialItems) {
  WorkerEmitter emitter(*this, commSlot());
  for (StageIndex i = 0; i != pipeline_.stages.size() && !failed_.load(); ++i) {
    const StageDef& stage = pipeline_.stages[i];
    if (stage.kind != StageKind::init) continue;
    emitter.current = i;
    emitter.delivered = 0;
    const auto start = Clock::now();
    guarded(emitter.current, [&] {
      SerialCall call(serialLockOf(i), &emitter);
      stage.init(emitter);
    });
    noteCall(i, 0, emitter.delivered, start);
  }
  if (!initialItems || initialItems->size() == 0 || failed_.load()) return;
  if (!options_.spreadInitialItems || size_ == 1) {
    deliver(pipeline_.entry, std::move(initialItems), 0, 0);
    return;
  }
  // An equal share per rank, counted created here like any delivery; the
  // others' shares leave through the outbox. Stealing evens out the rest.
  const StageDef& entry = pipeline_.stages[pipeline_.entry];
  const std::size_t items = initialItems->size();
  for (int r = 0; r != size_; ++r) {
    const std::size_t begin = items * static_cast<std::size_t>(r) / static_cast<std::size_t>(size_);
    const std::size_t end = items * static_cast<std::size_t>(r + 1) / static_cast<std::size_t>(size_);
    if (begin == end) continue;
    std::shared_ptr<BatchBase> share = entry.input->make();
    entry.input->append(*share, *initialItems, begin, end);
    counters_.created(ScopeKey{0, 0, entry.region}, end - begin);
    Task task{pipeline_.entry, 0, 0, std::move(share), 0, end - begin};
    if (r == rank_) {
      queue_.pushFront(std::move(task));
    } else {
      std::lock_guard lock(outboxMutex_);
      outbox_.push_back(Outgoing{r, std::move(task)});
    }
  }
}

void Rank::runFinish() {
  for (StageIndex i = 0; i != pipeline_.stages.size(); ++i) {
    const StageDef& stage = pipeline_.stages[i];
    if (stage.kind != StageKind::finish) continue;
    const std::size_t items = collectors_[i]->size();
    const auto start = Clock::now();
    guarded(i, [&] {
      SerialCall call(serialLockOf(i), nullptr);
      stage.finish(*collectors_[i]);
    });
    noteCall(i, items, 0, start);
  }
}

void Rank::startWorkers() {
  workers_.reserve(static_cast<std::size_t>(threads_));
  for (int i = 0; i != threads_; ++i)
    workers_.emplace_back([this, i] { work(static_cast<std::size_t>(i)); });
}

RunResult Rank::run(std::unique_ptr<BatchBase> initialItems) {
  context_ = RankContext{rank_, size_, threads_,
                         static_cast<int>(transport_.sumOverRanks(threads_))};
  context_.sweep = &options_.sweep;
  commThread_ = std::this_thread::get_id();
  startObserving();
  context_.sweepNotes = recorder_.get();
  watchStageExits();
  ContextScope scope(&context_);
  if (options_.resuming) {
    // Init is not run again and the initial items were not read: the
    // checkpoint holds what they made. A rank starts its workers once its
    // share is in place (restore); rank 0 starts waves once every rank's is.
    if (rank_ == 0) {
      // Where each share is in the file, which stays open until every share is sent.
      const auto plan = std::move(options_.resume);
      if (!plan) throw std::logic_error("resuming without a share for every rank");
      try {
        checkpoints_.sendShares(std::move(*plan));
      } catch (const std::exception& e) {
        failWith(fmt::format("rank {}: {}", rank_, e.what()));
      }
    } else {
      checkpoints_.awaitShare();
    }
  } else {
    // Waves start only once all initial work is counted (see the proof in
    // termination/waves.hpp): the inits run before the loop.
    if (rank_ == 0) runInits(std::move(initialItems));
    startWorkers();
  }

  microseconds sleep{10};
  bool failedHere = false;
  while (!shutdown_.over()) {
    if (failed_.load()) {
      failedHere = true;
      break;
    }
    if (transport_.aborted()) {
      result_.exitCode = exit_status::failed;
      result_.error = reportLine(Severity::error, "the run was stopped because another rank failed");
      if (observer_) observer_->endedElsewhere(result_.error);
      break;
    }
    bool progress = false;
    const auto passStart = recorder_ ? Clock::now() : Clock::time_point{};
    const WorkTally tallyBefore = tally_;
    try {
      progress = communicate();
      if (progress && recorder_ && recorder_->spans()) notePass(passStart);
    } catch (const std::exception& e) {
      failWith(fmt::format("rank {}: {}", rank_, e.what()));
      continue;
    }
    noteIdle(Clock::now());
    // A pass that moved work, or did anything on a rank with an idle worker
    // that is not long idle, polls again soon; the protocols' messages alone
    // (a wave, a steal refused) leave a long idle rank, or one whose workers
    // are all busy, at its pace.
    const bool movedWork = tally_.sent != tallyBefore.sent || tally_.received != tallyBefore.received;
    const bool keepPace = longIdle_ || queue_.idleWorkers() == 0;
    if (movedWork || (progress && !keepPace)) {
      sleep = microseconds{10};
    } else if (!progress) {
      // Nothing to do: sleep, but wake at once for local events, and poll
      // the transport at least every pollCap().
      doorbell_.waitFor(sleep);
      sleep = std::min(sleep * 2, pollCap());
    }
  }

  if (shutdown_.over() && shutdown_.signal() != 0) {
    // Told to stop: the checkpoint stays, and no finish stage runs.
    result_.exitCode = exit_status::stoppedBy(shutdown_.signal());
    if (rank_ == 0) {
      result_.error = signalStop_.summary(options_.checkpoint);
      endLiveLine();
      std::cerr << result_.error + '\n' << std::flush;  // one write: see report()
    }
  }
  if (failedHere && abandon_) {
    if (stageCalledExit_.load()) endProcess();
    abandonRun();
    failedHere = false;
  }
  if (failedHere) {
    checkpoints_.collectWriter(true);  // whatever it writes is whole; the previous checkpoint stays if it fails
    if (stageCalledExit_.load()) endProcess();
    {
      std::lock_guard lock(errorMutex_);
      result_.error = reportLine(Severity::error, error_);
    }
    result_.exitCode = exit_status::failed;
    endLiveLine();
    std::cerr << result_.error + '\n' << std::flush;  // one write: see report()
    if (observer_) observer_->failed(result_.error);
    transport_.abort(exit_status::failed);  // MPI_Abort does not return; the loopback marks every rank aborted
  }
  commLoopOver_.store(true);
  queue_.stop();
  for (std::thread& worker : workers_) worker.join();

  if (rank_ == 0 && result_.exitCode == 0) {
    if (observer_) observer_->flushSweepLines();
    endLiveLine();  // the work is over; finish stages print the results
    runFinish();
    if (failed_.load()) {
      std::lock_guard lock(errorMutex_);
      result_.error = reportLine(Severity::error, error_);
      result_.exitCode = exit_status::failed;
      std::cerr << result_.error + '\n' << std::flush;  // one write: see report()
    }
  }
  // Every rank that left its loop in step sends its record; rank 0 waits
  // for them even when its finish failed, so that none is left in flight.
  if (observer_ && shutdown_.over()) {
    bool written = false;
    try {
      written = observer_->finish(result_.exitCode, result_.error);
    } catch (const std::exception& e) {
      reportError(std::cerr, fmt::format("rank {}: {}", rank_, e.what()));
    }
    if (!written && result_.exitCode == 0) result_.exitCode = exit_status::failed;
  }
  if (result_.exitCode == 0) {
    checkpoints_.removeFile();
  } else {
    checkpoints_.collectWriter(true);
  }
  while (!transport_.flushed()) std::this_thread::yield();
  result_.itemsFinished = counters_.total().finished;
  result_.peakQueuedItems = queue_.peakQueuedItems();
  return result_;
}

void validatePipeline(const PipelineDef& pipeline) {
  const auto bad = [&](const std::string& what) {
    return std::invalid_argument(fmt::format("pipeline '{}' is malformed: {}", pipeline.name, what));
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

RunResult runRank(const PipelineDef& pipeline, Transport& transport, RankOptions options,
                  std::unique_ptr<BatchBase> initialItems) {
  validatePipeline(pipeline);
  std::optional<CountingTransport> counting;
  if (options.orderlyFailure) counting.emplace(transport);
  Transport& inner = counting ? static_cast<Transport&>(*counting) : transport;
  CountingTransport* counts = counting ? &*counting : nullptr;
  if (options.observe.any()) {
    MeasuredTransport measured(inner);
    Rank rank(pipeline, measured, std::move(options), &measured, counts);
    return rank.run(std::move(initialItems));
  }
  Rank rank(pipeline, inner, std::move(options), nullptr, counts);
  return rank.run(std::move(initialItems));
}

}  // namespace jobstream::detail
