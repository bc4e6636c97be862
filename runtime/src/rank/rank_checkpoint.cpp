// Checkpoints: a consistent snapshot of every rank, taken while nothing runs
// and nothing is in flight, and a run resumed from one on any number of
// ranks.
//
// Taking one (rank 0 decides, between termination waves; the actions the
// next wave is to carry are part of the checkpoint):
//   1. pause, round 1, down the tree: each rank holds its queue (workers
//      finish the chunk they run, then wait), stops stealing (it refuses
//      requests and waits for the answer to its own), sends what its last
//      chunks made for other ranks, and answers up the tree, once its
//      subtree has, with the work and stolen messages its subtree sent and
//      received so far.
//   2. Once every rank is still, no rank sends work again until the resume,
//      so the sent sum is final; the received sum grows to meet it. Rank 0
//      repeats the counting round until the two are equal: then no item is
//      in flight, every item is in a queue, a store, an instance or a
//      finish stage's collection, and the counters say exactly that.
//   3. snapshot, down the tree: each rank encodes its state (snapshot.hpp),
//      tells rank 0 so (snapshotTaken) and sends it the bytes (snapshotData),
//      then waits.
//   4. Once every rank's state is encoded, rank 0 sends resume down the
//      tree: the bytes may still be on their way, the run goes on. No rank
//      goes on before every rank's state was encoded: otherwise work made
//      after the snapshot could reach a rank whose snapshot is still to
//      come, and be in the checkpoint twice. Once every rank's bytes have
//      arrived, a background thread of rank 0 writes the file
//      (checkpoint_file.hpp: atomic) while the run goes on.
//
// Resuming: rank 0 sends each rank its share of the checkpoint (planResume)
// before anything else; a rank starts its workers only once its share is in
// place, and rank 0 starts termination waves only when every rank has said
// so. Items for a frame_end cannot reach a rank before the instance does.
#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "rank/rank_impl.hpp"

namespace jobstream::detail {

namespace {

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A pointer into live state, for encoding: the batch stays where it is.
std::shared_ptr<BatchBase> borrow(BatchBase* batch) { return std::shared_ptr<BatchBase>(std::shared_ptr<BatchBase>(), batch); }

}  // namespace

// At most a century (what the clock can add without overflowing, and then
// some); anything longer, or not a number, means no checkpoint this run.
Clock::duration Rank::checkpointInterval() const {
  constexpr double kCentury = 100.0 * 365 * 24 * 3600;
  const double seconds = options_.checkpointInterval;
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(seconds > 0 && seconds < kCentury ? seconds : kCentury));
}

Rank::~Rank() {
  if (writer_.joinable()) writer_.join();
}

// Rank 0: starts a checkpoint when one is due and the moment is right.
bool Rank::maybeCheckpoint() {
  if (rank_ != 0 || options_.checkpoint.empty()) return false;
  if (writer_.joinable() && !writing_.load()) collectWriter(false);
  if (pause_ != Pause::running || shutdown_.stopping() || waves_.active() || !restoreAcks_.none() || !snapshots_.none() ||
      writer_.joinable() || failed_.load())
    return false;
  if (Clock::now() < nextCheckpointAt_) return false;
  pauseStartedAt_ = Clock::now();
  beginPauseRound(1);
  return true;
}

void Rank::beginPauseRound(std::uint32_t round) {
  if (round == 1) {
    if (pause_ != Pause::running) throw std::runtime_error("checkpoint out of step (paused twice)");
    pause_ = Pause::quiescing;
    queue_.hold();
  } else if (pause_ != Pause::still) {
    throw std::runtime_error("checkpoint out of step (a counting round before the pause)");
  }
  pauseRound_ = round;
  pauseAnswered_ = false;
  pauseSums_ = PauseReply{round, 0, 0};
  pauseReplies_.expect(tree_.children().size());
  if (!tree_.children().empty()) tree_.toChildren(MessageKind::pause, encode(PauseOrder{round}));
}

// Answers the round once this rank is still and its subtree has answered;
// on rank 0, judges the round.
bool Rank::maybeAnswerPause() {
  if ((pause_ != Pause::quiescing && pause_ != Pause::still) || pauseAnswered_ || !pauseReplies_.none() ||
      stealing_.outstanding() || queue_.idleWorkers() != threads_)
    return false;
  sendOutbox();  // what the last chunks made for other ranks
  pause_ = Pause::still;
  pauseAnswered_ = true;
  PauseReply reply = pauseSums_;
  reply.sent += tally_.sent;
  reply.received += tally_.received;
  if (rank_ != 0) {
    tree_.toParent(MessageKind::pauseReply, encode(reply));
    return true;
  }
  if (reply.sent == reply.received) {
    takeSnapshot();
  } else {
    beginPauseRound(pauseRound_ + 1);
  }
  return true;
}

RankState Rank::liveState() {
  RankState state;
  state.tasks = queue_.snapshot();
  for (const std::unique_ptr<StoreSlot>& slot : slots_) {
    std::lock_guard lock(slot->mutex);
    for (const auto& [key, stores] : slot->stores) {
      if (!stores || stores->size() == 0) continue;
      const auto reduce = reduceOf_.find(regionId(instance_id::ownerOf(key.scope), key.region));
      if (reduce == reduceOf_.end()) throw std::logic_error("jobstream: a reduction store of no reduce");
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

void Rank::takeSnapshot() {
  if (rank_ != 0 && pause_ != Pause::still) throw std::runtime_error("checkpoint out of step (snapshot)");
  tree_.toChildren(MessageKind::snapshot, encode(Signal{}));
  std::vector<CheckpointSection> sections =
      encodeRankState(pipeline_, static_cast<std::uint32_t>(rank_), liveState(), lastStateBytes_);
  pause_ = Pause::snapshotTaken;
  lastStateBytes_ = sections.empty() ? 0 : sections.front().bytes.size();
  if (rank_ != 0) {
    tree_.send(0, MessageKind::snapshotTaken, encode(Signal{}));
    tree_.send(0, MessageKind::snapshotData, encode(sections));
    return;
  }
  GlobalState global;
  for (StageIndex i = 0; i != collectors_.size(); ++i)
    if (collectors_[i]) global.finished.emplace_back(i, borrow(collectors_[i].get()));
  global.wave = waves_.number();
  global.next = waves_.nextActions();
  global.tracker = waves_.tracker().save();
  for (CheckpointSection& section : encodeGlobalState(pipeline_, global)) sections.push_back(std::move(section));
  gathered_ = std::move(sections);
  taken_.expect(static_cast<std::size_t>(size_ - 1));
  snapshots_.expect(static_cast<std::size_t>(size_ - 1));
  if (taken_.none()) snapshotTaken();
  if (snapshots_.none()) finishCheckpoint();
}

// Rank 0: every rank's state is encoded, so the run goes on.
void Rank::snapshotTaken() {
  tree_.toChildren(MessageKind::resume, encode(Signal{}));
  resumeWork();
  result_.checkpointPauses.push_back(secondsSince(pauseStartedAt_));
  nextCheckpointAt_ = Clock::now() + checkpointInterval();
}

void Rank::gathered(std::vector<CheckpointSection> sections) {
  if (rank_ != 0) throw std::runtime_error("checkpoint out of step (a snapshot sent to another rank than 0)");
  const bool last = snapshots_.arrived();
  for (CheckpointSection& section : sections) gathered_.push_back(std::move(section));
  if (last) finishCheckpoint();
}

// Rank 0 has every rank's state: write it in the background.
void Rank::finishCheckpoint() {
  Checkpoint checkpoint;
  checkpoint.pipeline = std::string(pipeline_.name);
  checkpoint.fingerprint = std::string(pipeline_.fingerprint);
  checkpoint.ranks = static_cast<std::uint32_t>(size_);
  checkpoint.writtenAt = static_cast<std::int64_t>(std::time(nullptr));
  checkpoint.sections = std::move(gathered_);
  gathered_.clear();
  result_.checkpointBytes = 0;
  for (const CheckpointSection& section : checkpoint.sections) result_.checkpointBytes += section.bytes.size();
  writing_.store(true);
  writer_ = std::thread([this, checkpoint = std::move(checkpoint)] {
    const auto start = Clock::now();
    try {
      writeCheckpoint(options_.checkpoint, checkpoint);
    } catch (const std::exception& e) {
      writeError_ = e.what();
    }
    writeSeconds_ = secondsSince(start);
    writing_.store(false);
  });
}

void Rank::resumeWork() {
  if (pause_ != Pause::snapshotTaken) throw std::runtime_error("checkpoint out of step (resume)");
  pause_ = Pause::running;
  queue_.release();
  stealing_.restart();
}

// Rank 0: joins the writer (waiting for it if `wait`). A write that failed
// is a warning: the run goes on and the previous checkpoint stays whole.
bool Rank::collectWriter(bool wait) {
  if (!writer_.joinable() || (!wait && writing_.load())) return false;
  writer_.join();
  if (!writeError_.empty()) {
    std::cerr << "jobstream: warning: " << withoutPrefix(writeError_) << "; the run goes on" << std::endl;
    writeError_.clear();
    return true;
  }
  ++checkpointsWritten_;
  // One line per checkpoint (every ten minutes by default), as job_stream
  // said "Checkpoint took N ms": a long run shows it is safe, and how much
  // its checkpoints cost.
  std::cerr << fmt::format("jobstream: checkpoint {} written to '{}': {} of state; the run paused {:.3f} s, "
                           "the write took {:.3f} s",
                           checkpointsWritten_, options_.checkpoint, bytesText(result_.checkpointBytes),
                           result_.checkpointPauses.empty() ? 0.0 : result_.checkpointPauses.back(), writeSeconds_)
            << std::endl;
  if (options_.checkpointWritten) {
    try {
      options_.checkpointWritten(checkpointsWritten_);
    } catch (const std::exception& e) {
      std::lock_guard lock(errorMutex_);
      if (error_.empty()) error_ = fmt::format("jobstream: error: rank {}: {}", rank_, e.what());
      failed_.store(true);
    }
  }
  return true;
}

void Rank::applyRestore(const std::vector<CheckpointSection>& sections) {
  RankState state = decodeRankState(pipeline_, static_cast<std::uint32_t>(rank_), sections);
  for (const Task& task : state.tasks) {
    const int required = requiredRank(pipeline_.stages[task.stage], task.scope, size_);
    if (required >= 0 && required != rank_) throw std::runtime_error("jobstream: a resumed share with items for another rank");
  }
  queue_.pushBack(std::move(state.tasks));
  {
    StoreSlot& slot = *slots_[commSlot()];
    std::lock_guard lock(slot.mutex);
    for (SavedStores& entry : state.stores) {
      const ItemType& type = *pipeline_.stages[entry.reduce].store;
      std::unique_ptr<BatchBase>& stores = slot.stores[entry.key];
      if (!stores) stores = type.make();
      type.append(*stores, *entry.stores, 0, entry.stores->size());
    }
  }
  {
    std::lock_guard lock(instancesMutex_);
    for (SavedInstance& saved : state.instances) {
      if (instance_id::homeAmong(saved.id, size_) != rank_) throw std::runtime_error("jobstream: a resumed share with another rank's frame instance");
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
        throw std::runtime_error("jobstream: a frame instance twice in a checkpoint");
    }
  }
  counters_.restore(state.counters);
  nextInstance_.store(state.nextInstance);
  if (rank_ != 0) return;
  GlobalState global = decodeGlobalState(pipeline_, sections);
  for (auto& [stage, batch] : global.finished)
    pipeline_.stages[stage].input->append(*collectors_[stage], *batch, 0, batch->size());
  waves_.tracker().load(global.tracker);
  waves_.restore(global.wave, std::move(global.next));
}

// Rank 0, after a run that succeeded: its checkpoint is of no more use.
void Rank::removeCheckpoint() {
  if (rank_ != 0 || options_.checkpoint.empty()) return;
  collectWriter(true);
  std::error_code error;
  std::filesystem::remove(temporaryCheckpointPath(options_.checkpoint), error);  // a killed run's
  std::filesystem::remove(options_.checkpoint, error);
  if (error)
    std::cerr << fmt::format("jobstream: warning: the run is over, but its checkpoint '{}' could not be removed: {}",
                             options_.checkpoint, error.message())
              << std::endl;
}

}  // namespace jobstream::detail
