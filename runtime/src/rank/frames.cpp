// Frames. An item reaching a frame starts an instance on the rank that runs
// it (its home): the instance's store, its first item and its frame_end calls
// live there, and items for its frame_end travel there. When rank 0 finds an
// instance quiet, the next termination wave asks its home to call the frame
// function again (recall), which recurs a new generation or ends the
// instance.
#include <stdexcept>

#include "rank/rank_impl.hpp"

namespace jobstream::detail {

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
    if (recorder_) recorder_->frameStarted(id, static_cast<std::uint32_t>(chunk.stage));
    bool recurred;
    {
      std::lock_guard lock(entered.mutex);
      emitter.scope = id;
      emitter.gen = 0;
      emitter.current = chunk.stage;
      SerialCall call(serialLockOf(chunk.stage), &emitter);
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
    if (it == instances_.end()) throw std::logic_error("ended a frame instance twice");
    instance = std::move(it->second);
    instances_.erase(it);
  }
  if (recorder_) recorder_->frameEnded(id);
  const StageIndex end = pipeline_.stages[instance->frame].partner;
  emitter.scope = instance->parent.scope;
  emitter.gen = instance->parent.gen;
  emitter.current = end;
  {
    SerialCall call(leaveLockOf(end), &emitter);
    pipeline_.stages[end].leave(*instance->store, emitter);
  }
  if (countParent) counters_.finished(instance->parent, 1);
}

// A wave reached this rank: retire the counters of scopes that are over, and
// recall the quiet instances homed here.
void Rank::arrived(const Actions& actions, WaveReply& sums) {
  counters_.retire(actions.retires);
  for (const std::uint64_t id : actions.recalls)
    if (instance_id::homeAmong(id, size_) == rank_) recall(id, sums);
}

// The frame function again, on a quiet instance: more work for its body, or
// the end of the instance.
void Rank::recall(std::uint64_t id, WaveReply& sums) {
  Instance* instance;
  {
    std::lock_guard lock(instancesMutex_);
    const auto it = instances_.find(id);
    if (it == instances_.end()) throw std::runtime_error("asked to recall a frame instance that is not here");
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
      SerialCall call(serialLockOf(instance->frame), &emitter);
      recurred = pipeline_.stages[instance->frame].enter(*instance->store, *instance->first, emitter);
      if (recurred) instance->maxGen = emitter.gen;
    }
    if (!recurred) endInstance(id, emitter, true);
    sums.recalls.emplace_back(id, !recurred);
  });
}

}  // namespace jobstream::detail
