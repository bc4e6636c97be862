#include "observe/recorder.hpp"

#include "jobstream/detail/sweep.hpp"

#include <fmt/format.h>

#include <utility>

#include <time.h>

#include <algorithm>

namespace jobstream::detail {

namespace {

// The whole trace keeps about this many spans, shared by every thread of
// every rank: at about 100 bytes an event, a file well under 64 MiB.
constexpr std::size_t kSpanBudget = 400'000;
constexpr std::size_t kFrameBudget = 100'000;
constexpr std::size_t kMaxSamples = 4096;

}  // namespace

RankRecorder::RankRecorder(ObserveOptions options, int rank, std::size_t slots, std::size_t stages, int totalWorkers)
    : options_(std::move(options)), spans_(options_.spans()), rank_(rank) {
  const std::size_t threadsInRun = static_cast<std::size_t>(std::max(1, totalWorkers));
  const std::size_t perThread = std::max<std::size_t>(kSpanBudget / threadsInRun, 1024);
  for (std::size_t i = 0; i != slots; ++i) logs_.push_back(std::make_unique<ThreadLog>(static_cast<std::uint16_t>(i), stages, perThread));
  frameCapacity_ = std::max<std::size_t>(kFrameBudget / threadsInRun, 256) * std::max<std::size_t>(slots - 1, 1);
}

std::uint64_t RankRecorder::threadCpuNs() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<std::uint64_t>(t.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(t.tv_nsec);
}

void RankRecorder::frameStarted(std::uint64_t id, std::uint32_t stage) {
  if (!spans_) return;
  const std::int64_t at = now();
  std::lock_guard lock(framesMutex_);
  if (frames_.size() + openFrames_.size() >= frameCapacity_) {
    ++framesDropped_;
    return;
  }
  openFrames_.emplace(id, FrameSpan{at, -1, id, stage});
}

void RankRecorder::frameEnded(std::uint64_t id) {
  if (!spans_) return;
  const std::int64_t at = now();
  std::lock_guard lock(framesMutex_);
  const auto it = openFrames_.find(id);
  if (it == openFrames_.end()) return;  // dropped, or started before a resume
  it->second.end = at;
  frames_.push_back(it->second);
  openFrames_.erase(it);
}

void RankRecorder::sample(std::uint64_t finished, std::uint64_t waiting, std::uint32_t busy, bool last) {
  const std::int64_t at = now();
  if (!last && lastSample_ >= 0 && at - lastSample_ < sampleEvery_) return;
  lastSample_ = at;
  samples_.push_back(Sample{at, finished, waiting, busy});
  if (samples_.size() >= kMaxSamples) {
    // Every other one goes, and they come half as often from now on: the
    // whole run at an even grain.
    std::size_t out = 0;
    for (std::size_t i = 0; i < samples_.size(); i += 2) samples_[out++] = samples_[i];
    samples_.resize(out);
    sampleEvery_ *= 2;
  }
}

void RankRecorder::checkpoint(const CheckpointMark& mark) { checkpoints_.push_back(mark); }

RankRecord RankRecorder::record(bool full, bool complete) {
  RankRecord record;
  record.rank = rank_;
  record.host = host;
  record.threads = threads;
  record.complete = complete;
  record.clockOffsetNs = offset_;
  record.clockErrorNs = clockError_;
  record.wallNs = wallNs;
  record.mpiNs = mpiNs;
  record.messages = messages;
  record.userMessages = userMessages;
  record.itemsFinished = itemsFinished;
  record.peakWaiting = peakWaiting;
  const std::size_t stages = logs_.empty() ? 0 : logs_.front()->stages.size();
  record.stages.resize(stages);
  for (std::size_t slot = 0; slot != logs_.size(); ++slot) {
    ThreadLog& log = *logs_[slot];
    if (slot + 1 != logs_.size()) {  // workers only: the communication thread runs init, finish and merges
      record.userNs += log.userNs.get();
      record.userCpuNs += log.userCpuNs.get();
    }
    for (std::size_t i = 0; i != stages; ++i) {
      const LiveTally& live = log.stages[i];
      StageTally& tally = record.stages[i];
      tally.calls += live.calls.get();
      tally.itemsIn += live.itemsIn.get();
      tally.itemsOut += live.itemsOut.get();
      tally.wallNs += live.wallNs.get();
      tally.cpuNs += live.cpuNs.get();
    }
  }
  if (!samples_.empty()) record.samples.push_back(samples_.back());
  if (!full) return record;

  record.samples = samples_;
  for (Sample& sample : record.samples) sample.at += offset_;
  if (spans_) {
    for (auto& log : logs_) {
      std::vector<Span> spans = log->spans(record.spanResolutionNs);
      for (Span& span : spans) span.start += offset_;
      record.spans.insert(record.spans.end(), spans.begin(), spans.end());
    }
    std::lock_guard lock(framesMutex_);
    record.frames = frames_;
    for (const auto& [id, open] : openFrames_) record.frames.push_back(open);
    for (FrameSpan& frame : record.frames) {
      frame.start += offset_;
      if (frame.end >= 0) frame.end += offset_;
    }
    record.framesDropped = framesDropped_;
  }
  {
    std::lock_guard lock(sweepMutex_);
    record.sweepPoints = sweepPoints_;
  }
  record.checkpoints = checkpoints_;
  for (CheckpointMark& mark : record.checkpoints) {
    mark.start += offset_;
    if (mark.writtenAt >= 0) mark.writtenAt += offset_;
  }
  return record;
}

void RankRecorder::combinationDone(const SweepCombinationDone& done) {
  sweepDone_.fetch_add(1, std::memory_order_relaxed);
  if (!options_.progress && options_.report.empty()) return;
  std::string line;
  if (options_.progress) {
    std::string params;
    const bool whole = done.paramColumns.size() == 1 && done.paramColumns[0] == "param";
    for (std::size_t i = 0; i != done.params.size(); ++i)
      params += fmt::format("{}{}{}", i ? ", " : "", whole ? "" : fmt::format("{}=", done.paramColumns[i]), done.params[i]);
    line = fmt::format("jobstream: sweep {}({}) done: {} trial{}", done.sweep, params, done.trials,
                       done.trials == 1 ? "" : "s");
  }
  std::lock_guard lock(sweepMutex_);
  if (options_.progress) {
    sweepLines_.push_back(std::move(line));
    sweepLinesWaiting_.store(true, std::memory_order_relaxed);
  }
  if (!options_.report.empty() && sweepPoints_.size() < kMaxSweepPoints) {
    SweepPoint point;
    point.sweep = done.sweep;
    point.paramNames.assign(done.paramColumns.begin(), done.paramColumns.end());
    point.params = done.params;
    point.outcomeNames.assign(done.outcomeColumns.begin(), done.outcomeColumns.end());
    point.trials = done.trials;
    point.mean.assign(done.mean, done.mean + done.outcomeColumns.size());
    point.err.assign(done.err, done.err + done.outcomeColumns.size());
    sweepPoints_.push_back(std::move(point));
  }
}

std::vector<std::string> RankRecorder::takeSweepLines() {
  std::lock_guard lock(sweepMutex_);
  sweepLinesWaiting_.store(false, std::memory_order_relaxed);
  return std::exchange(sweepLines_, {});
}

}  // namespace jobstream::detail
