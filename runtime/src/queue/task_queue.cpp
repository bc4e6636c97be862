#include "queue/task_queue.hpp"

#include <algorithm>

namespace jobstream::detail {

std::deque<Task>::iterator TaskQueue::firstRunnable() {
  // Skips tasks of an exclusive stage that is running; those wait their turn.
  return std::find_if(tasks_.begin(), tasks_.end(), [&](const Task& t) { return !busy_[t.stage]; });
}

void TaskQueue::added(std::size_t items, bool pinned) {
  queued_ += items;
  if (pinned) pinnedQueued_ += items;
  peak_ = std::max<std::uint64_t>(peak_, queued_);
}

void TaskQueue::pushFront(Task task) {
  {
    std::lock_guard lock(mutex_);
    added(task.size(), rules_.pinned[task.stage]);
    tasks_.push_front(std::move(task));
  }
  runnable_.notify_one();
}

void TaskQueue::pushBack(std::vector<Task> tasks) {
  {
    std::lock_guard lock(mutex_);
    for (Task& task : tasks) {
      added(task.size(), rules_.pinned[task.stage]);
      tasks_.push_back(std::move(task));
    }
  }
  runnable_.notify_all();
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
  std::lock_guard lock(mutex_);
  for (auto it = tasks_.end(); it != tasks_.begin() && items != 0;) {
    --it;
    if (rules_.pinned[it->stage]) continue;
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
  return given;
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
  return queued_ - pinnedQueued_;
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
