// What a rank puts into a checkpoint and takes back from one, and how it
// pauses for one: this rank's side of the protocol in
// checkpoint/coordinator.hpp.
#include <iostream>
#include <stdexcept>

#include "rank/rank_impl.hpp"

namespace jobstream::detail {

namespace {

// A pointer into live state, for encoding: the batch stays where it is.
std::shared_ptr<BatchBase> borrow(BatchBase* batch) { return std::shared_ptr<BatchBase>(std::shared_ptr<BatchBase>(), batch); }

}  // namespace

void Rank::hold() { queue_.hold(); }

bool Rank::still() { return !stealing_.outstanding() && queue_.idleWorkers() == threads_; }

WorkTally Rank::settle() {
  sendOutbox();  // what the last chunks made for other ranks
  return tally_;
}

RankState Rank::state() {
  RankState state;
  for (Task& task : queue_.snapshot()) {
    if (!task.source) {
      state.tasks.push_back(std::move(task));
    } else if (!task.source->ended()) {
      state.sources.push_back(SavedSource{task.source->init(), task.source->drawn()});
    }
  }
  for (const std::unique_ptr<StoreSlot>& slot : slots_) {
    std::lock_guard lock(slot->mutex);
    for (const auto& [key, stores] : slot->stores) {
      if (!stores || stores->size() == 0) continue;
      const auto reduce = reduceOf_.find(regionId(instance_id::ownerOf(key.scope), key.region));
      if (reduce == reduceOf_.end()) throw std::logic_error("a reduction store of no reduce");
      state.stores.push_back(SavedStores{key, reduce->second, borrow(stores.get())});
    }
  }
  {
    std::lock_guard lock(instancesMutex_);
    for (const auto& [id, instance] : instances_)
      state.instances.push_back(SavedInstance{id, instance->frame, instance->parent, instance->maxGen,
                                              borrow(instance->store.get()), borrow(instance->first.get())});
  }
  counters_.addTo(state.counters);
  state.nextInstance = nextInstance_.load();
  return state;
}

GlobalState Rank::globalState() {
  GlobalState global;
  for (StageIndex i = 0; i != collectors_.size(); ++i)
    if (collectors_[i]) global.finished.emplace_back(i, borrow(collectors_[i].get()));
  global.wave = waves_.number();
  global.next = waves_.nextActions();
  global.tracker = waves_.tracker().save();
  return global;
}

void Rank::resume() {
  queue_.release();
  stealing_.restart();
}

void Rank::written(int count) {
  const auto now = Clock::now();
  lastCheckpoint_ = now;
  if (recorder_) {
    const double pause = result_.checkpointPauses.empty() ? 0.0 : result_.checkpointPauses.back();
    recorder_->checkpoint(CheckpointMark{recorder_->since(checkpoints_.lastStart()),
                                         static_cast<std::int64_t>(pause * 1e9), recorder_->since(now),
                                         result_.checkpointBytes});
  }
  if (!options_.checkpointWritten) return;
  try {
    options_.checkpointWritten(count);
  } catch (const std::exception& e) {
    failWith(fmt::format("rank {}: {}", rank_, e.what()));
  }
}

void Rank::restoreSection(const CheckpointSection& section) {
  RankState state;
  GlobalState global;
  decodeSection(pipeline_, section, state, rank_ == 0 ? &global : nullptr);
  for (const Task& task : state.tasks) {
    const int required = requiredRank(pipeline_.stages[task.stage], task.scope, size_);
    if (required >= 0 && required != rank_) throw std::runtime_error("a resumed share with items for another rank");
  }
  queue_.pushBack(std::move(state.tasks));
  for (const SavedSource& saved : state.sources) {
    if (rank_ != 0) throw std::runtime_error("a resumed share with a lazy source off rank 0");
    auto source = std::make_shared<QueuedSource>(rebuildSource(saved.init), saved.drawn, sourcePlace(saved.init));
    queue_.pushBack({Task::of(std::move(source))});
  }
  if (!state.stores.empty()) {
    StoreSlot& slot = *slots_[commSlot()];
    std::lock_guard lock(slot.mutex);
    for (SavedStores& entry : state.stores) {
      const ItemType& type = *pipeline_.stages[entry.reduce].store;
      std::unique_ptr<BatchBase>& stores = slot.stores[entry.key];
      if (!stores) stores = type.make();
      type.append(*stores, *entry.stores, 0, entry.stores->size());
    }
  }
  if (!state.instances.empty()) {
    std::lock_guard lock(instancesMutex_);
    for (SavedInstance& saved : state.instances) {
      if (instance_id::homeAmong(saved.id, size_) != rank_) throw std::runtime_error("a resumed share with another rank's frame instance");
      const StageDef& frame = pipeline_.stages[saved.frame];
      auto instance = std::make_unique<Instance>();
      instance->frame = saved.frame;
      instance->parent = saved.parent;
      instance->maxGen = saved.maxGen;
      instance->store = frame.store->make();
      frame.store->append(*instance->store, *saved.store, 0, 1);
      instance->first = frame.input->make();
      frame.input->append(*instance->first, *saved.first, 0, 1);
      if (!instances_.emplace(saved.id, std::move(instance)).second)
        throw std::runtime_error("a frame instance twice in a checkpoint");
    }
  }
  if (section.name == "counters") {
    counters_.restore(state.counters);
    nextInstance_.store(std::max(nextInstance_.load(), state.nextInstance));
  }
  if (section.name == "finish")
    for (auto& [stage, batch] : global.finished)
      pipeline_.stages[stage].input->append(*collectors_[stage], *batch, 0, batch->size());
  if (section.name == "tracker") {
    waves_.tracker().load(global.tracker);
    waves_.restore(global.wave, std::move(global.next));
  }
}

void Rank::restoreDone() { startWorkers(); }

}  // namespace jobstream::detail
