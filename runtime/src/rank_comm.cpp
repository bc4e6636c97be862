// One rank's communication thread: the only thread that calls the
// transport. Termination waves, reductions' merges and frame recalls are
// explained at the top of rank.cpp.
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
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "rank_impl.hpp"

namespace jobstream::detail {

bool Rank::communicate() {
  bool progress = false;
  for (int i = 0; i != 256; ++i) {
    std::optional<Message> message = transport_.poll();
    if (!message) break;
    handle(*message);
    progress = true;
  }
  progress |= sendOutbox();
  progress |= maybeAnswerPause();
  maybeSteal();
  // A due checkpoint goes before the next wave: waves can follow each other
  // without a gap for as long as the scope tracker has orders to send.
  progress |= maybeCheckpoint();
  progress |= maybeStartWave();
  maybeAcknowledgeStop();
  return progress;
}

void Rank::send(int dest, MessageKind kind, std::vector<char> bytes) {
  transport_.send(dest, static_cast<int>(kind), std::move(bytes));
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
      send(outgoing[i].dest, MessageKind::work, encode(tasks, pipeline_));
      ++taskMessagesSent_;
      tasks.clear();
    }
  }
  return true;
}

void Rank::handle(Message& message) {
  switch (static_cast<MessageKind>(message.tag)) {
    case MessageKind::work:
    case MessageKind::stolen: {
      std::vector<Task> tasks = decode<std::vector<Task>>(message.bytes, pipeline_);
      for (const Task& task : tasks) {
        const StageDef& stage = pipeline_.stages[task.stage];
        const int required = requiredRank(stage, task.scope, size_);
        if (required >= 0 && required != rank_) throw std::runtime_error("jobstream: received items for a stage pinned to another rank");
        if (stage.kind == StageKind::init || stage.kind == StageKind::emit)
          throw std::runtime_error("jobstream: received items for a stage that takes none");
        result_.itemsReceived += task.size();
      }
      queue_.pushBack(std::move(tasks));
      ++taskMessagesReceived_;
      if (static_cast<MessageKind>(message.tag) == MessageKind::stolen) {
        stealOutstanding_ = false;
        stealBackoff_ = kMinStealBackoff;
        nextStealAt_ = Clock::now();
      }
      break;
    }
    case MessageKind::stealRequest:
      decode<Signal>(message.bytes);
      answerSteal(message.source);
      break;
    case MessageKind::stealRefused:
      decode<Signal>(message.bytes);
      stealOutstanding_ = false;
      nextStealAt_ = Clock::now() + stealBackoff_;
      stealBackoff_ = std::min(stealBackoff_ * 2, kMaxStealBackoff);
      break;
    case MessageKind::waveRequest:
      if (rank_ == 0 || waveActive_) throw std::runtime_error("jobstream: termination wave out of step");
      beginWave(decode<WaveRequest>(message.bytes, pipeline_));
      break;
    case MessageKind::waveReply: {
      WaveReply reply = decode<WaveReply>(message.bytes, pipeline_, request_.actions.fires);
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
      decode<Signal>(message.bytes);
      beginStop();
      break;
    case MessageKind::stopAck:
      decode<Signal>(message.bytes);
      if (stopAcksPending_ == 0) throw std::runtime_error("jobstream: unexpected stop acknowledgement");
      --stopAcksPending_;
      break;
    case MessageKind::exit:
      decode<Signal>(message.bytes);
      for (int child : children_) send(child, MessageKind::exit, encode(Signal{}));
      exit_ = true;
      break;
    case MessageKind::pause:
      if (rank_ == 0) throw std::runtime_error("jobstream: checkpoint out of step (rank 0 asked to pause)");
      beginPauseRound(decode<PauseOrder>(message.bytes).round);
      break;
    case MessageKind::pauseReply: {
      const PauseReply reply = decode<PauseReply>(message.bytes);
      if (reply.round != pauseRound_ || pauseRepliesPending_ == 0)
        throw std::runtime_error("jobstream: checkpoint out of step (pause reply)");
      pauseSums_.sent += reply.sent;
      pauseSums_.received += reply.received;
      --pauseRepliesPending_;
      break;
    }
    case MessageKind::snapshot:
      decode<Signal>(message.bytes);
      if (rank_ == 0) throw std::runtime_error("jobstream: checkpoint out of step (rank 0 asked for a snapshot)");
      takeSnapshot();
      break;
    case MessageKind::snapshotTaken:
      decode<Signal>(message.bytes);
      if (rank_ != 0 || pause_ != Pause::snapshotTaken || takenPending_ == 0)
        throw std::runtime_error("jobstream: checkpoint out of step (snapshot taken)");
      if (--takenPending_ == 0) snapshotTaken();
      break;
    case MessageKind::snapshotData:
      gathered(decode<std::vector<CheckpointSection>>(message.bytes));
      break;
    case MessageKind::resume:
      decode<Signal>(message.bytes);
      for (int child : children_) send(child, MessageKind::resume, encode(Signal{}));
      resumeWork();
      break;
    case MessageKind::restore:
      if (!awaitingRestore_) throw std::runtime_error("jobstream: received a share of a checkpoint twice");
      applyRestore(decode<std::vector<CheckpointSection>>(message.bytes));
      awaitingRestore_ = false;
      startWorkers();
      send(0, MessageKind::restored, encode(Signal{}));
      break;
    case MessageKind::restored:
      decode<Signal>(message.bytes);
      if (rank_ != 0 || restoreAcksPending_ == 0) throw std::runtime_error("jobstream: unexpected restore acknowledgement");
      if (--restoreAcksPending_ == 0) wavesAllowed_ = true;
      break;
    default:
      throw std::runtime_error(fmt::format("jobstream: received a message of unknown kind {}", message.tag));
  }
}

void Rank::maybeSteal() {
  if (size_ == 1 || stopping_ || stealOutstanding_ || pause_ != Pause::running || Clock::now() < nextStealAt_)
    return;
  // Ask before running dry (about 1 ms of work per worker left), so that
  // work keeps flowing while the answer travels.
  if (queue_.queuedChunks(sizer_) >= 2 * static_cast<std::size_t>(threads_)) return;
  int victim = static_cast<int>(random_() % static_cast<std::uint64_t>(size_ - 1));
  if (victim >= rank_) ++victim;
  send(victim, MessageKind::stealRequest, encode(Signal{}));
  stealOutstanding_ = true;
}

void Rank::answerSteal(int thief) {
  std::vector<Task> given;
  if (!stopping_ && pause_ == Pause::running) {
    const std::size_t stealable = queue_.stealableItems();
    // Half, but in pieces of bounded size: a thief starts on the first piece
    // while it asks for the next, and no message needs a huge fresh buffer.
    std::size_t give = std::min(stealable / 2, stealLimit());
    // A last item goes only if every worker here is busy with something else.
    if (give == 0 && stealable == 1 && queue_.idleWorkers() == 0) give = 1;
    if (give != 0) given = queue_.giveAway(give);
  }
  if (given.empty()) {
    send(thief, MessageKind::stealRefused, encode(Signal{}));
    return;
  }
  std::size_t items = 0;
  for (const Task& task : given) items += task.size();
  std::vector<char> bytes;
  bytes.reserve(static_cast<std::size_t>(bytesPerItem_ * static_cast<double>(items)) + 64);
  encodeInto(bytes, given, pipeline_);
  bytesPerItem_ = std::max(1.0, static_cast<double>(bytes.size()) / static_cast<double>(items));
  send(thief, MessageKind::stolen, std::move(bytes));
  ++taskMessagesSent_;
}

bool Rank::maybeStartWave() {
  // No wave either while a checkpoint's bytes are still on their way to
  // rank 0: the run must not end before they have arrived (their senders
  // wait for that before they leave).
  if (!wavesAllowed_ || waveActive_ || stopping_ || pause_ != Pause::running || snapshotsPending_ != 0) return false;
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
  counters_.retire(request_.actions.retires);
  if (!children_.empty()) {
    const std::vector<char> bytes = encode(request_, pipeline_);
    for (int child : children_) send(child, MessageKind::waveRequest, bytes);
  }
  for (const std::uint64_t id : request_.actions.recalls)
    if (instance_id::homeAmong(id, size_) == rank_) recall(id);
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
      SerialCall call(serialLockOf(instance->frame), &emitter);
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
    if (!guarded(emitter.current, [&] {
          SerialCall call(serialLockOf(fire.reduce), &emitter);
          stage.merge(*result.stores, emitter);
        }))
      return;
    if (emitter.delivered != 0) result.recurred = true;
    std::unique_ptr<BatchBase> merged = stage.store->make();
    stage.store->append(*merged, *result.stores, 0, 1);
    result.stores = std::move(merged);
  }
  counters_.addTo(sums_.counts);
  if (rank_ != 0) {
    send(parentOf(rank_), MessageKind::waveReply, encode(sums_, pipeline_, request_.actions.fires));
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
      if (!guarded(emitter.current, [&] {
            SerialCall call(leaveLockOf(fire.reduce), &emitter);
            stage.leave(*store, emitter);
          }))
        return;
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
  for (int child : children_) send(child, MessageKind::stop, encode(Signal{}));
}

void Rank::maybeAcknowledgeStop() {
  if (!stopping_ || stopAcknowledged_ || stopAcksPending_ != 0 || stealOutstanding_) return;
  stopAcknowledged_ = true;
  if (rank_ == 0) {
    for (int child : children_) send(child, MessageKind::exit, encode(Signal{}));
    exit_ = true;
  } else {
    send(parentOf(rank_), MessageKind::stopAck, encode(Signal{}));
  }
}

}  // namespace jobstream::detail
