// Reductions. Each worker folds the items of a reduce into its own partial
// store per key (partialStore), at once when a job hands them on
// (WorkerEmitter::deliver, reduceNow) or as a queued chunk. When rank 0 finds
// a region over, the next termination wave carries a fire order; on the way
// back up the tree every rank merges its workers' partial stores and its
// children's merged ones with one call of the reduce (through `others`) and
// sends one store to its parent (departing). Rank 0 calls leave() on the last
// one (concluding), so what the reduce emits enters the next region. Merging
// costs log2(N) steps of one store each, not N.
#include "rank/rank_impl.hpp"

#include <algorithm>

namespace jobstream::detail {

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
  BatchBase& store = partialStore(stage, key, emitter.slot);
  const auto start = Clock::now();
  const std::uint64_t cpuStart = recorder_ ? RankRecorder::threadCpuNs() : 0;
  {
    SerialCall call(serialLockOf(index), &emitter);
    stage.reduce(store, batch, 0, items, emitter);
  }
  if (recorder_) {
    // Inside the chunk of the stage that delivered: its time is the
    // reduce's, not that stage's (recordChunk takes it out).
    ThreadLog& log = recorder_->log(emitter.slot);
    const auto wall = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count());
    const std::uint64_t cpu = RankRecorder::threadCpuNs() - cpuStart;
    log.nestedNs += wall;
    log.nestedCpuNs += cpu;
    LiveTally& tally = log.stages[index];
    tally.calls.add(1);
    tally.itemsIn.add(items);
    tally.wallNs.add(wall);
    tally.cpuNs.add(cpu);
  }
  counters_.finished(key, items);  // after what it returned was counted created
}

// Every child has replied to the wave: merge the stores of the fired
// reductions, add this rank's counts and the signal it heard, if any; the
// wave passes the sums up.
bool Rank::departing(const Actions& actions, WaveReply& sums) {
  for (std::size_t i = 0; i != actions.fires.size(); ++i) {
    const FireOrder& fire = actions.fires[i];
    const StageDef& stage = pipeline_.stages[fire.reduce];
    FireResult& result = sums.fires[i];
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
    const auto start = Clock::now();
    const std::uint64_t cpuStart = recorder_ ? RankRecorder::threadCpuNs() : 0;
    if (!guarded(emitter.current, [&] {
          SerialCall call(serialLockOf(fire.reduce), &emitter);
          stage.merge(*result.stores, emitter);
        }))
      return false;
    if (recorder_) noteMerge(fire.reduce, result.stores->size(), emitter.delivered, start, cpuStart);
    if (emitter.delivered != 0) result.recurred = true;
    std::unique_ptr<BatchBase> merged = stage.store->make();
    stage.store->append(*merged, *result.stores, 0, 1);
    result.stores = std::move(merged);
  }
  counters_.addTo(sums.counts);
  sums.stopSignal = std::max(sums.stopSignal, signalStop_.signal());
  return true;
}

// Rank 0, the wave complete: a fired reduction whose merge made more work for
// its region is not over after all, and its merged store waits here for the
// rest; the others end, and what they emit enters the next region. A signal
// that reached a rank arrives here too.
bool Rank::concluding(const Actions& actions, WaveReply& sums) {
  signalStop_.heard(sums.stopSignal);
  for (std::size_t i = 0; i != actions.fires.size(); ++i) {
    const FireOrder& fire = actions.fires[i];
    const StageDef& stage = pipeline_.stages[fire.reduce];
    FireResult& result = sums.fires[i];
    if (result.recurred) {
      if (result.stores->size() != 0) {
        StoreSlot& slot = *slots_[commSlot()];
        std::lock_guard lock(slot.mutex);
        slot.stores[fire.key] = std::move(result.stores);
      }
      continue;
    }
    std::unique_ptr<BatchBase> store = result.stores->size() != 0 ? std::move(result.stores) : stage.newStore();
    WorkerEmitter emitter(*this, commSlot());
    emitter.scope = fire.key.scope;
    emitter.gen = fire.key.gen;
    emitter.current = fire.reduce;
    if (!guarded(emitter.current, [&] {
          SerialCall call(leaveLockOf(fire.reduce), &emitter);
          stage.leave(*store, emitter);
        }))
      return false;
  }
  return true;
}

// A merge on the communication thread: the reduce's call, and a span there.
void Rank::noteMerge(StageIndex reduce, std::size_t stores, std::uint64_t delivered, Clock::time_point start,
                     std::uint64_t cpuStart) {
  ThreadLog& log = recorder_->log(commSlot());
  const auto end = Clock::now();
  LiveTally& tally = log.stages[reduce];
  tally.calls.add(1);
  tally.itemsOut.add(delivered);
  tally.wallNs.add(static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count()));
  tally.cpuNs.add(RankRecorder::threadCpuNs() - cpuStart);
  if (!recorder_->spans()) return;
  const std::int64_t at = recorder_->since(start);
  log.span(Span{at, recorder_->since(end) - at, stores, 1, static_cast<std::uint32_t>(reduce), -1, log.thread,
                SpanKind::merge});
}

}  // namespace jobstream::detail
