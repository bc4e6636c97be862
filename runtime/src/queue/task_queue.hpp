// A rank's queue of work: one deque of tasks shared by its worker threads
// and its communication thread.
//
// Work made on this rank goes to the front and workers take from the front,
// so a fan-out is processed depth-first and memory stays bounded. Work that
// arrives from other ranks goes to the back, and work given away to other
// ranks leaves from the back: the oldest, least cache-warm work travels.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "jobstream/detail/stage.hpp"

namespace jobstream::detail {

// Items [begin, end) of a batch, bound for one stage. Tasks split by range
// share their batch: splitting never copies items. Every queued task can be
// written with its stage's ItemType::save, so queues can be checkpointed.
struct Task {
  StageIndex stage = 0;
  std::uint64_t scope = 0;  // the scope instance: 0 for the top level, else a frame instance
  std::uint32_t gen = 0;    // generation within that instance (see rank.cpp)
  std::shared_ptr<BatchBase> batch;
  std::size_t begin = 0;
  std::size_t end = 0;

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
  // marks an exclusive stage busy until `done`), or until `stop`.
  template <class ChunkSize>
  std::optional<Task> take(const ChunkSize& chunkSize);
  void done(const Task& chunk);

  // Takes up to `items` items that may leave this rank, from the back.
  std::vector<Task> giveAway(std::size_t items);

  void stop();

  // While held, no chunk is handed out: workers that finish theirs wait in
  // take() and count as idle, so once idleWorkers() is every worker nothing
  // runs and the queue can be copied (a checkpoint).
  void hold();
  void release();
  // Every queued task, in queue order. They share their batches with the
  // queue; read them only while the queue is held.
  std::vector<Task> snapshot();

  std::size_t queuedItems();
  // Queued items per stage (`stages` entries).
  std::vector<std::uint64_t> queuedByStage(std::size_t stages);
  std::size_t stealableItems();
  // Queued work measured in chunks (about half a millisecond each), so that
  // "running low" means the same for 1 ns and 1 ms items.
  template <class ChunkSize>
  std::size_t queuedChunks(const ChunkSize& chunkSize);
  int idleWorkers();
  std::uint64_t peakQueuedItems();

 private:
  std::deque<Task>::iterator firstRunnable();
  void added(std::size_t items, bool pinned);

  StageRules rules_;
  Doorbell& doorbell_;
  std::mutex mutex_;
  std::condition_variable runnable_;
  std::deque<Task> tasks_;
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
    chunks += (task.size() + chunk - 1) / chunk;
  }
  return chunks;
}

}  // namespace jobstream::detail
