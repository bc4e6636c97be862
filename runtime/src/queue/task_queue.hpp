// A rank's queue of work: one deque of tasks shared by its worker threads
// and its communication thread.
//
// Work made on this rank goes to the front and workers take from the front,
// so a fan-out is processed depth-first and memory stays bounded. Work that
// arrives from other ranks goes to the back, and work given away to other
// ranks leaves from the back: the oldest, least cache-warm work travels.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "jobstream/detail/stage.hpp"
#include "queue/source.hpp"

namespace jobstream::detail {

// Items [begin, end) of a batch, bound for one stage. Tasks split by range
// share their batch: splitting never copies items. Every queued task but a
// source can be written with its stage's ItemType::save, so queues can be
// checkpointed.
//
// A task with a `source` holds a jobstream::Lazy's items not drawn yet
// (source.hpp): no batch and no items of its own. A chunk taken from it
// has the source too, and `end` items to draw.
struct Task {
  Task() = default;
  Task(StageIndex stage_, std::uint64_t scope_, std::uint32_t gen_, std::shared_ptr<BatchBase> batch_,
       std::size_t begin_, std::size_t end_)
      : stage(stage_), scope(scope_), gen(gen_), batch(std::move(batch_)), begin(begin_), end(end_) {}
  // The task of a source, at the top level.
  static Task of(std::shared_ptr<QueuedSource> source) {
    Task task;
    task.stage = source->stage();
    task.scope = source->key().scope;
    task.gen = source->key().gen;
    task.source = std::move(source);
    return task;
  }

  StageIndex stage = 0;
  std::uint64_t scope = 0;  // the scope instance: 0 for the top level, else a frame instance
  std::uint32_t gen = 0;    // generation within that instance (see rank.cpp)
  std::shared_ptr<BatchBase> batch;
  std::size_t begin = 0;
  std::size_t end = 0;
  std::shared_ptr<QueuedSource> source;

  std::size_t size() const { return end - begin; }
};

// Wakes the communication thread early when something happens locally.
class Doorbell {
 public:
  void ring() {
    {
      std::lock_guard lock(mutex_);
      rung_ = true;
    }
    wake_.notify_one();
  }
  template <class Duration>
  void waitFor(Duration timeout) {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, timeout, [&] { return rung_; });
    rung_ = false;
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool rung_ = false;
};

struct StageRules {
  std::vector<char> exclusive;  // one call at a time on this rank (serial or rank-0 stages)
  std::vector<char> pinned;     // runs on rank 0 only: never given away
};

class TaskQueue {
 public:
  TaskQueue(StageRules rules, Doorbell& doorbell) : rules_(std::move(rules)), doorbell_(doorbell) {}

  void pushFront(Task task);
  void pushBack(std::vector<Task> tasks);

  // Blocks until a chunk of at most `chunkSize(stage)` items can run (then
  // marks an exclusive stage busy until `done`), or until `stop`. A chunk of
  // a source is for its taker to draw, then to pass to `drawn`; no other
  // worker takes that source meanwhile.
  template <class ChunkSize>
  std::optional<Task> take(const ChunkSize& chunkSize);
  void drawn(const QueuedSource& source);
  void done(const Task& chunk);

  // Takes up to `items` items that may leave this rank, from the back. A
  // source on the way gives items drawn from it for what the queued items
  // do not cover (drawn on the calling thread, in a millisecond or two at
  // most), never itself. Throws SourceFailed when drawing does.
  std::vector<Task> giveAway(std::size_t items);
  // What giveAway drew from sources since the last call: per draw, the init
  // that made the source and the items (what --report counts as that init's
  // items out). The caller takes them after each giveAway.
  std::vector<std::pair<StageIndex, std::uint64_t>> takeDrawnForThieves();

  void stop();

  // While held, no chunk is handed out: workers that finish theirs wait in
  // take() and count as idle, so once idleWorkers() is every worker nothing
  // runs and the queue can be copied (a checkpoint).
  void hold();
  void release();
  // Every queued task, in queue order. They share their batches with the
  // queue; read them only while the queue is held.
  std::vector<Task> snapshot();

  // Items queued, not counting those of sources not drawn yet.
  std::size_t queuedItems();
  // Sources not ended yet.
  std::size_t openSources();
  // Queued items per stage (`stages` entries).
  std::vector<std::uint64_t> queuedByStage(std::size_t stages);
  // Items that may leave this rank, those sources have left included (for a
  // source that does not know its size, as many as it has drawn so far).
  std::size_t stealableItems();
  // Queued work measured in chunks (about half a millisecond each), so that
  // "running low" means the same for 1 ns and 1 ms items; sources included
  // (as kUnsizedItems for one that does not know its size).
  template <class ChunkSize>
  std::size_t queuedChunks(const ChunkSize& chunkSize);

  // What a source that does not know its size counts as where a number of
  // items is asked for: more than a rank runs between two looks.
  static constexpr std::size_t kUnsizedItems = std::size_t{1} << 40;
  // How long giveAway waits for a worker's draw from a source, and draws.
  static constexpr std::chrono::microseconds kStealWait{1000};
  static constexpr std::chrono::microseconds kStealDraw{1000};
  int idleWorkers();
  std::uint64_t peakQueuedItems();

 private:
  std::deque<Task>::iterator firstRunnable();
  void added(const Task& task);
  bool beingDrawn(const QueuedSource* source) const;
  void removeSource(const QueuedSource* source);
  std::size_t sourceItems(const QueuedSource& source) const;
  std::size_t stealableOf(const QueuedSource& source) const;

  StageRules rules_;
  Doorbell& doorbell_;
  std::mutex mutex_;
  std::condition_variable runnable_;
  std::deque<Task> tasks_;
  std::vector<std::shared_ptr<QueuedSource>> sources_;  // those queued in tasks_
  std::vector<const QueuedSource*> drawing_;             // taken by a worker, not yet drawn
  std::vector<std::pair<StageIndex, std::uint64_t>> drawnForThieves_;
  std::vector<char> busy_ = std::vector<char>(rules_.exclusive.size(), 0);
  std::size_t queued_ = 0;
  std::size_t pinnedQueued_ = 0;
  std::uint64_t peak_ = 0;
  int idle_ = 0;
  bool stopped_ = false;
  bool held_ = false;
};

template <class ChunkSize>
std::optional<Task> TaskQueue::take(const ChunkSize& chunkSize) {
  std::unique_lock lock(mutex_);
  auto it = held_ ? tasks_.end() : firstRunnable();
  if (it == tasks_.end() && !stopped_) {
    ++idle_;
    doorbell_.ring();  // an idle worker is news: steal, check for the end, or a checkpoint
    runnable_.wait(lock, [&] { return stopped_ || (!held_ && (it = firstRunnable()) != tasks_.end()); });
    --idle_;
  }
  if (stopped_) return std::nullopt;
  const std::size_t want = chunkSize(it->stage);
  Task chunk = *it;
  if (it->source) {
    // It stays queued, at its place, until it has ended.
    drawing_.push_back(it->source.get());
    chunk.begin = 0;
    chunk.end = want;
    if (rules_.exclusive[chunk.stage]) busy_[chunk.stage] = 1;
    return chunk;
  }
  if (it->size() > want) {
    chunk.end = chunk.begin + want;
    it->begin = chunk.end;
  } else {
    tasks_.erase(it);
  }
  queued_ -= chunk.size();
  if (rules_.pinned[chunk.stage]) pinnedQueued_ -= chunk.size();
  if (rules_.exclusive[chunk.stage]) busy_[chunk.stage] = 1;
  return chunk;
}

template <class ChunkSize>
std::size_t TaskQueue::queuedChunks(const ChunkSize& chunkSize) {
  std::lock_guard lock(mutex_);
  std::size_t chunks = 0;
  for (const Task& task : tasks_) {
    const std::size_t chunk = chunkSize(task.stage);
    const std::size_t items = task.source ? sourceItems(*task.source) : task.size();
    chunks += (items + chunk - 1) / chunk;
  }
  return chunks;
}

}  // namespace jobstream::detail
