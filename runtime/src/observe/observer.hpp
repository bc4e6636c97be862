// The communication thread's side of what a run records of itself: the
// clocks' offsets, each rank's summaries to rank 0 while it runs (the
// progress line, and what is left if the run fails), the gathering of every
// rank's record at the end, and writing the stats, the trace and the report.
//
// Messages, all to or from rank 0:
//   clockPing / clockPong   five round trips at the start; the shortest
//                           gives this rank's offset from rank 0's clock
//   summary                 a rank's counters, 4 times a second with the
//                           progress line, else once a second
//   record                  a rank's whole record: at the end of a run that
//                           went well, or when the rank fails
//   recordTaken             rank 0 wrote what it had after a rank failed:
//                           that rank may now end the run
//
// A run that fails writes what could be gathered: rank 0's own record, the
// failed rank's, and the others' last summaries (their counters, not their
// spans), each marked incomplete.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jobstream/detail/stage.hpp"
#include "observe/measured_transport.hpp"
#include "observe/record.hpp"
#include "observe/recorder.hpp"
#include "transport/tree.hpp"

namespace jobstream::detail {

class ProgressLine;

// A rank's state now, as the rank sees it.
struct LiveState {
  std::uint64_t finished = 0;
  std::uint64_t waiting = 0;    // items queued, not those sources have not drawn yet
  std::uint32_t openSources = 0;  // jobstream::Lazy sources not ended (rank 0's: they live there)
  std::uint32_t busy = 0;
  std::uint64_t peakWaiting = 0;
  std::vector<std::uint64_t> waitingByStage;
  bool checkpointing = false;                     // rank 0: a checkpoint file is kept
  std::optional<double> secondsSinceCheckpoint;   // rank 0: since the last one was written
};

struct ClockPing {
  static constexpr std::string_view kName = "clock ping";
  std::int64_t sentAt = 0;  // the sender's clock
};
template <class Archive>
void describe(Archive& ar, ClockPing& ping) {
  ar(ping.sentAt);
}

struct ClockPong {
  static constexpr std::string_view kName = "clock pong";
  std::int64_t sentAt = 0;  // the ping's
  std::int64_t rootAt = 0;  // rank 0's clock when it answered
};
template <class Archive>
void describe(Archive& ar, ClockPong& pong) {
  ar(pong.sentAt, pong.rootAt);
}

struct RankReport {
  static constexpr std::string_view kName = "rank record";
  RankRecord record;
  std::vector<std::uint64_t> waitingByStage;
  std::string error;  // the rank failed with this
  // Sweeps: combinations started and finished on the rank so far, and with
  // the progress line, what to print of those finished since the last one.
  std::uint64_t combinationsStarted = 0;
  std::uint64_t combinationsDone = 0;
  std::vector<std::string> sweepLines;
};
template <class Archive>
void describe(Archive& ar, RankReport& report) {
  ar(report.record, report.waitingByStage, report.error, report.combinationsStarted, report.combinationsDone,
     report.sweepLines);
}

class Observer {
 public:
  // `live` reads the rank's state now (it locks the queue: called only
  // when something is due).
  Observer(Tree& tree, MeasuredTransport& transport, const PipelineDef& pipeline, RankRecorder& recorder, int threads,
           int workersInRun, std::function<LiveState()> live);
  ~Observer();
  Observer(const Observer&) = delete;
  Observer& operator=(const Observer&) = delete;

  // One pass of the communication loop: samples, summaries, the progress
  // line, when due. True if it sent something.
  bool tick();
  // Messages of the kinds above while the run goes on.
  void handle(const Message& message);

  // Every rank left its loop in step and every worker has returned: the
  // other ranks send their record, rank 0 gathers them and writes what was
  // asked. `exitCode` and `error`: how the run ended (a signal's stop, or
  // rank 0's finish that failed) and the line printed about it, if any.
  // False on rank 0 if a file could not be written (the error was printed).
  bool finish(int exitCode, const std::string& error);
  // This rank failed with `error` (the printed line). Rank 0 writes what it
  // has; another rank hands its record to rank 0 and waits a moment for it
  // to be written before the run is ended.
  void failed(const std::string& error);
  // Rank 0, before the finish stages print: lines about its own sweep
  // combinations that finished since the last pass.
  void flushSweepLines() { printSweepLines(recorder_.takeSweepLines()); }
  // Rank 0: the run was ended by another rank's failure.
  void endedElsewhere(const std::string& error);

 private:
  std::int64_t now() const { return recorder_.now(); }
  void ping();
  void onPong(const ClockPong& pong);
  RankReport report(const LiveState& live, bool full, bool complete);
  void updateProgress(const LiveState& live);
  // Rank 0: every rank's record as far as it is known, in rank order.
  RunRecord assemble(bool complete, int exitCode, const std::string& error);
  bool write(RunRecord run);
  void handOver(const std::string& error);
  // Rank 0, with the progress line: lines about finished combinations.
  void printSweepLines(const std::vector<std::string>& lines);

  Tree& tree_;
  MeasuredTransport& transport_;
  const PipelineDef& pipeline_;
  RankRecorder& recorder_;
  const int threads_;
  const int workersInRun_;
  std::function<LiveState()> live_;

  // Clocks (ranks other than 0).
  int pingsLeft_ = 5;
  bool pingOut_ = false;
  std::int64_t bestError_ = -1;

  std::int64_t nextSummary_ = 0;
  std::int64_t nextSample_ = 0;
  std::int64_t nextProgress_ = 0;

  // Rank 0.
  std::vector<std::optional<RankReport>> latest_;  // by rank: the last summary or the record
  std::vector<char> final_;                        // by rank: latest_ holds its record
  std::deque<std::pair<std::int64_t, std::uint64_t>> history_;  // (time, items finished in the run)
  std::unique_ptr<ProgressLine> progress_;
  bool written_ = false;
};

}  // namespace jobstream::detail
