#include "queue/task_queue.hpp"

#include <algorithm>
#include <utility>

namespace jobstream::detail {

std::deque<Task>::iterator TaskQueue::firstRunnable() {
  // Skips tasks of an exclusive stage that is running, and sources another
  // worker draws from; those wait their turn.
  return std::find_if(tasks_.begin(), tasks_.end(), [&](const Task& t) {
    return !busy_[t.stage] && !(t.source && (beingDrawn(t.source.get()) || t.source->ended()));
  });
}

bool TaskQueue::beingDrawn(const QueuedSource* source) const {
  return std::find(drawing_.begin(), drawing_.end(), source) != drawing_.end();
}

void TaskQueue::added(const Task& task) {
  if (task.source) sources_.push_back(task.source);
  queued_ += task.size();
  if (rules_.pinned[task.stage]) pinnedQueued_ += task.size();
  peak_ = std::max<std::uint64_t>(peak_, queued_);
}

// An ended source leaves the queue (if it is still there).
void TaskQueue::removeSource(const QueuedSource* source) {
  std::erase_if(tasks_, [&](const Task& t) { return t.source.get() == source; });
  std::erase_if(sources_, [&](const std::shared_ptr<QueuedSource>& s) { return s.get() == source; });
}

std::size_t TaskQueue::sourceItems(const QueuedSource& source) const {
  if (source.ended()) return 0;
  return static_cast<std::size_t>(std::min<std::uint64_t>(source.remaining().value_or(kUnsizedItems), kUnsizedItems));
}

// Without a size, a source is guessed to hold as many items as it has given
// so far: a guess that grows as the source proves long, so that a short
// one is not handed away whole to the first thief.
std::size_t TaskQueue::stealableOf(const QueuedSource& source) const {
  if (source.ended()) return 0;
  if (source.remaining()) return sourceItems(source);
  return static_cast<std::size_t>(std::clamp<std::uint64_t>(source.drawn(), 1, kUnsizedItems));
}

void TaskQueue::pushFront(Task task) {
  {
    std::lock_guard lock(mutex_);
    added(task);
    tasks_.push_front(std::move(task));
  }
  runnable_.notify_one();
}

void TaskQueue::pushBack(std::vector<Task> tasks) {
  {
    std::lock_guard lock(mutex_);
    for (Task& task : tasks) {
      added(task);
      tasks_.push_back(std::move(task));
    }
  }
  runnable_.notify_all();
}

void TaskQueue::drawn(const QueuedSource& source) {
  {
    std::lock_guard lock(mutex_);
    const auto it = std::find(drawing_.begin(), drawing_.end(), &source);
    if (it != drawing_.end()) drawing_.erase(it);
    if (source.ended()) removeSource(&source);
  }
  runnable_.notify_all();  // the source may be taken again
}

void TaskQueue::done(const Task& chunk) {
  if (!rules_.exclusive[chunk.stage]) return;
  {
    std::lock_guard lock(mutex_);
    busy_[chunk.stage] = 0;
  }
  runnable_.notify_all();  // workers may be waiting for exactly this stage
}

std::vector<Task> TaskQueue::giveAway(std::size_t items) {
  std::vector<Task> given;
  std::shared_ptr<QueuedSource> source;  // to draw the rest from, after the lock
  std::unique_lock lock(mutex_);
  for (auto it = tasks_.end(); it != tasks_.begin() && items != 0;) {
    --it;
    if (rules_.pinned[it->stage]) continue;
    if (it->source) {
      // The work in front of it is newer: it is drawn from instead.
      if (it->source->ended()) continue;
      source = it->source;
      break;
    }
    if (it->size() <= items) {
      items -= it->size();
      queued_ -= it->size();
      given.push_back(std::move(*it));
      it = tasks_.erase(it);
    } else {
      // The tail of the range leaves; the head stays for this rank.
      Task tail = *it;
      tail.begin = it->end - items;
      it->end = tail.begin;
      queued_ -= items;
      items = 0;
      given.push_back(std::move(tail));
    }
  }
  lock.unlock();
  if (!source || items == 0) return given;
  // Drawn outside the queue's lock, in bounded time (QueuedSource::tryDraw).
  std::shared_ptr<BatchBase> batch;
  const std::size_t drawn = source->tryDraw(batch, std::min(items, source->maxDrawForSteal()), kStealWait,
                                            QueuedSource::Clock::now() + kStealDraw);
  const ScopeKey& key = source->key();
  if (drawn != 0) given.emplace_back(source->stage(), key.scope, key.gen, std::move(batch), 0, drawn);
  {
    std::lock_guard relock(mutex_);
    if (drawn != 0) drawnForThieves_.emplace_back(source->init(), drawn);
    if (source->ended()) removeSource(source.get());
  }
  if (source->ended()) runnable_.notify_all();
  return given;
}

std::vector<std::pair<StageIndex, std::uint64_t>> TaskQueue::takeDrawnForThieves() {
  std::lock_guard lock(mutex_);
  return std::exchange(drawnForThieves_, {});
}

void TaskQueue::stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  runnable_.notify_all();
}

void TaskQueue::hold() {
  std::lock_guard lock(mutex_);
  held_ = true;
}

void TaskQueue::release() {
  {
    std::lock_guard lock(mutex_);
    held_ = false;
  }
  runnable_.notify_all();
}

std::vector<Task> TaskQueue::snapshot() {
  std::lock_guard lock(mutex_);
  return std::vector<Task>(tasks_.begin(), tasks_.end());
}

std::size_t TaskQueue::queuedItems() {
  std::lock_guard lock(mutex_);
  return queued_;
}

std::size_t TaskQueue::stealableItems() {
  std::lock_guard lock(mutex_);
  std::size_t items = queued_ - pinnedQueued_;
  for (const std::shared_ptr<QueuedSource>& source : sources_)
    if (!rules_.pinned[source->stage()]) items += stealableOf(*source);
  return items;
}

std::size_t TaskQueue::openSources() {
  std::lock_guard lock(mutex_);
  return sources_.size();
}

int TaskQueue::idleWorkers() {
  std::lock_guard lock(mutex_);
  return idle_;
}

std::uint64_t TaskQueue::peakQueuedItems() {
  std::lock_guard lock(mutex_);
  return peak_;
}

std::vector<std::uint64_t> TaskQueue::queuedByStage(std::size_t stages) {
  std::vector<std::uint64_t> counts(stages, 0);
  std::lock_guard lock(mutex_);
  for (const Task& task : tasks_)
    if (task.stage < stages) counts[task.stage] += task.size();
  return counts;
}

}  // namespace jobstream::detail
