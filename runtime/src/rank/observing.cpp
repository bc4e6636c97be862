// What --stats, --trace, --report and --progress see of a rank (observe/):
// each chunk's and each init's or finish's time and items on its thread's
// log, the communication loop's passes, and the live state the progress
// line and samples read.
#include "rank/rank_impl.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>

namespace jobstream::detail {

void Rank::recordChunk(ThreadLog& log, const Task& chunk, std::uint64_t delivered, Clock::time_point start,
                       Clock::time_point end, std::uint64_t cpuStart) {
  const auto wall = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count());
  const std::uint64_t cpu = RankRecorder::threadCpuNs() - cpuStart;
  log.userNs.add(wall);
  log.userCpuNs.add(cpu);
  // A reduce folded at delivery counted its own time (reduceNow).
  LiveTally& tally = log.stages[chunk.stage];
  tally.calls.add(1);
  tally.itemsIn.add(chunk.size());
  tally.itemsOut.add(delivered);
  tally.wallNs.add(wall - std::min(wall, log.nestedNs));
  tally.cpuNs.add(cpu - std::min(cpu, log.nestedCpuNs));
  if (recorder_->spans()) {
    const std::int64_t at = recorder_->since(start);
    log.span(Span{at, recorder_->since(end) - at, chunk.size(), 1, static_cast<std::uint32_t>(chunk.stage), -1,
                  log.thread, SpanKind::stage});
  }
}

void Rank::startObserving() {
  if (!options_.observe.any()) return;
  if (!measured_) throw std::logic_error("an observed run without its measured transport");
  recorder_ = std::make_unique<RankRecorder>(options_.observe, rank_, slots_.size(), pipeline_.stages.size(),
                                         context_.totalThreads);
  observer_ = std::make_unique<Observer>(tree_, *measured_, pipeline_, *recorder_, threads_, context_.totalThreads,
                                         [this] { return liveState(); });
}

LiveState Rank::liveState() {
  LiveState live;
  live.finished = counters_.total().finished;
  live.waiting = queue_.queuedItems();
  live.openSources = static_cast<std::uint32_t>(queue_.openSources());
  live.busy = static_cast<std::uint32_t>(std::max(0, threads_ - queue_.idleWorkers()));
  // Only the progress line names the busiest stages: walking the queue
  // under the workers' lock is not worth it for samples alone.
  if (options_.observe.progress) live.waitingByStage = queue_.queuedByStage(pipeline_.stages.size());
  live.peakWaiting = queue_.peakQueuedItems();
  if (rank_ == 0 && !options_.checkpoint.empty()) {
    live.checkpointing = true;
    if (lastCheckpoint_) live.secondsSinceCheckpoint = std::chrono::duration<double>(Clock::now() - *lastCheckpoint_).count();
  }
  return live;
}

// A call of init or finish, on the communication thread.
void Rank::noteCall(StageIndex stage, std::size_t itemsIn, std::uint64_t itemsOut, Clock::time_point start) {
  if (!recorder_) return;
  LiveTally& tally = recorder_->log(commSlot()).stages[stage];
  tally.calls.add(1);
  tally.itemsIn.add(itemsIn);
  tally.itemsOut.add(itemsOut);
  tally.wallNs.add(static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count()));
}

// A pass of the communication loop that did something.
void Rank::notePass(Clock::time_point start) {
  ThreadLog& log = recorder_->log(commSlot());
  const std::int64_t at = recorder_->since(start);
  log.span(Span{at, recorder_->now() - at, 0, 1, 0, -1, log.thread, SpanKind::communicate});
}

}  // namespace jobstream::detail
