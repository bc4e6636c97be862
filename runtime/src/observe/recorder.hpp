// What one rank measures of itself while it runs, for --stats, --trace,
// --report and --progress. Asking for none of them costs a branch per chunk:
// the rank keeps no RankRecorder at all.
//
// Threads. Each worker writes only its own ThreadLog: counters the
// communication thread may read at any time (relaxed atomics, one writer
// each) and spans behind a lock that only its own thread takes while the run
// goes on (uncontended; one lock per chunk of about half a millisecond), so
// that a rank that fails can still hand over its spans without waiting for
// workers that may never return from user code.
#pragma once

#include <string_view>
#include "program/context.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "observe/record.hpp"
#include "observe/span_buffer.hpp"

namespace jobstream::detail {

// What the user asked to see.
struct ObserveOptions {
  bool stats = false;      // --stats, or JOBSTREAM_STATS=1
  bool progress = false;   // --progress (rank 0 draws it)
  std::string trace;       // --trace FILE (rank 0 writes it)
  std::string report;      // --report FILE (rank 0 writes it)

  // Time and count user calls: any of the four.
  bool any() const { return stats || progress || !trace.empty() || !report.empty(); }
  // Keep spans: the trace and the report draw them.
  bool spans() const { return !trace.empty() || !report.empty(); }
};

// A counter with one writer that another thread may read.
class SoleCounter {
 public:
  void add(std::uint64_t n) { value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
  std::uint64_t get() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

struct LiveTally {
  SoleCounter calls, itemsIn, itemsOut, wallNs, cpuNs;
};

class alignas(64) ThreadLog {
 public:
  ThreadLog(std::uint16_t index, std::size_t stageCount, std::size_t spanCapacity)
      : thread(index), stages(stageCount), spans_(spanCapacity) {}

  void span(const Span& span) {
    std::lock_guard lock(mutex_);
    spans_.push(span);
  }
  // A copy, and the grain it was kept at.
  std::vector<Span> spans(std::int64_t& resolution) {
    std::lock_guard lock(mutex_);
    resolution = std::max(resolution, spans_.resolution());
    return spans_.spans();
  }

  const std::uint16_t thread;  // a worker's index; the communication thread's is the number of workers
  std::vector<LiveTally> stages;
  SoleCounter userNs, userCpuNs;
  // Time of user calls made inside the running one (a reduce folded at
  // delivery): taken out of the caller's own time.
  std::uint64_t nestedNs = 0, nestedCpuNs = 0;

 private:
  std::mutex mutex_;
  SpanBuffer spans_;
};

class RankRecorder final : public SweepNotes {
 public:
  using Clock = std::chrono::steady_clock;

  // `slots`: the workers, then the communication thread. `totalWorkers`:
  // of every rank, to share the trace's budget of spans.
  RankRecorder(ObserveOptions options, int rank, std::size_t slots, std::size_t stages, int totalWorkers);

  const ObserveOptions& options() const { return options_; }
  bool spans() const { return spans_; }

  // Nanoseconds since this rank's start, on its own clock.
  std::int64_t now() const { return since(Clock::now()); }
  std::int64_t since(Clock::time_point t) const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t - epoch_).count();
  }
  // CPU time of the calling thread.
  static std::uint64_t threadCpuNs();

  ThreadLog& log(std::size_t slot) { return *logs_[slot]; }
  std::size_t slots() const { return logs_.size(); }

  void frameStarted(std::uint64_t id, std::uint32_t stage);
  void frameEnded(std::uint64_t id);

  // Communication thread.
  // At most one per interval unless `last` (the record's end).
  void sample(std::uint64_t finished, std::uint64_t waiting, std::uint32_t busy, bool last = false);
  void checkpoint(const CheckpointMark& mark);  // times on this rank's clock
  void setClockOffset(std::int64_t offsetNs, std::int64_t errorNs) {
    offset_ = offsetNs;
    clockError_ = errorNs;
  }
  std::int64_t clockOffset() const { return offset_; }

  // Everything so far, times on rank 0's clock. `full` adds the spans,
  // frames and samples (the end of the run); otherwise the counters only (a
  // summary while it runs). Safe while workers run.
  RankRecord record(bool full, bool complete);

  // A sweep's combinations on this rank (any thread): counted, and with the
  // progress line the finished ones told to rank 0, which prints them.
  void combinationStarted() override { sweepStarted_.fetch_add(1, std::memory_order_relaxed); }
  void combinationDone(const SweepCombinationDone& done) override;
  std::uint64_t combinationsStarted() const { return sweepStarted_.load(std::memory_order_relaxed); }
  std::uint64_t combinationsDone() const { return sweepDone_.load(std::memory_order_relaxed); }
  // The lines about finished combinations since the last call.
  std::vector<std::string> takeSweepLines();
  bool hasSweepLines() const { return sweepLinesWaiting_.load(std::memory_order_relaxed); }

  // Filled by the rank before record(): what only it knows.
  std::string host;
  int threads = 0;
  std::int64_t wallNs = 0;
  std::uint64_t mpiNs = 0, messages = 0, userMessages = 0;
  std::uint64_t itemsFinished = 0, peakWaiting = 0;

 private:
  std::atomic<std::uint64_t> sweepStarted_{0};
  std::atomic<std::uint64_t> sweepDone_{0};
  std::mutex sweepMutex_;
  std::vector<std::string> sweepLines_;
  std::atomic<bool> sweepLinesWaiting_{false};
  std::vector<SweepPoint> sweepPoints_;  // with --report
  ObserveOptions options_;
  bool spans_;
  int rank_;
  Clock::time_point epoch_ = Clock::now();
  std::int64_t offset_ = 0, clockError_ = 0;
  std::vector<std::unique_ptr<ThreadLog>> logs_;

  std::mutex framesMutex_;
  std::unordered_map<std::uint64_t, FrameSpan> openFrames_;
  std::vector<FrameSpan> frames_;
  std::size_t frameCapacity_;
  std::uint64_t framesDropped_ = 0;

  std::vector<Sample> samples_;  // communication thread; thinned when full
  std::int64_t sampleEvery_ = 100'000'000;
  std::int64_t lastSample_ = -1;
  std::vector<CheckpointMark> checkpoints_;
};

}  // namespace jobstream::detail
