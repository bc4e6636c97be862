// One rank of a run: its worker threads, its queue and the communication
// loop on the calling thread. This is the runtime's internal entry point:
// run() builds a transport and calls runRank, and tests call it directly
// with N loopback transports in N threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "checkpoint/checkpoint_file.hpp"
#include "jobstream/detail/stage.hpp"
#include "jobstream/detail/sweep.hpp"
#include "observe/recorder.hpp"
#include "transport/transport.hpp"

namespace jobstream::detail {

struct ResumePlan;  // checkpoint/state.hpp

struct RankOptions {
  int threads = 1;  // worker threads on this rank

  // Rank 0: take a checkpoint into this file every `checkpointInterval`
  // seconds; empty: never. Other ranks take part when rank 0 asks.
  std::string checkpoint;
  double checkpointInterval = 600;
  // Every rank: this run resumes a checkpoint, so there are no initial
  // items and no init; rank 0 holds where each rank's share is (planResume).
  bool resuming = false;
  std::shared_ptr<ResumePlan> resume;
  // Rank 0: how much of other ranks' state it holds at once.
  CheckpointLimits checkpointLimits;
  // Rank 0: called on the communication thread each time a checkpoint has
  // been written, with how many this run has written. An exception from it
  // fails the run (the tests of resuming stop runs there, as a crash would).
  std::function<void(int written)> checkpointWritten;
  // What the user asked to see of the run; the same on every rank (rank 0
  // decided whether to draw the progress line).
  ObserveOptions observe;
  // The sweep options of the command line (the same on every rank).
  SweepSettings sweep;
  // Every rank: a failure ends the run in order on every rank and runRank
  // returns (abandon/abandon.hpp), with the bare error in RunResult::error and
  // nothing printed, instead of printing it and ending the process
  // (jobstream::map sets it; jobstream::run does not).
  bool orderlyFailure = false;
  // Every rank: where this process's signal handler notes SIGTERM or SIGINT
  // (program/stop_signals.hpp), 0 until one came; the run then takes a
  // checkpoint and stops (termination/signal_stop.hpp). Null: no signal is
  // watched (jobstream::map).
  const std::atomic<int>* stopSignal = nullptr;
  // Rank 0: hands every rank an equal share of the initial items at once
  // (as MPI_Scatterv would), instead of keeping them for the others to
  // steal. For jobstream::map, whose items are slices of equal size.
  bool spreadInitialItems = false;
  // Every rank: a neighbour in the tree not heard from for this long is
  // lost and fails the run (liveness/liveness.hpp); zero: never.
  std::chrono::milliseconds peerTimeout{60'000};
};

struct RunResult {
  int exitCode = 0;   // 128 + the signal for a run a signal stopped
  std::string error;  // the message printed on stderr (rank 0's, for a run a signal stopped), empty on success
  std::uint64_t itemsFinished = 0;    // items whose stage ran on this rank
  std::uint64_t itemsReceived = 0;    // items that arrived from other ranks
  std::uint64_t peakQueuedItems = 0;  // most items ever waiting in this rank's queue
  // Rank 0, with checkpoints: how long each one stopped the work (from the
  // first pause order to the resume order).
  std::vector<double> checkpointPauses;
  std::uint64_t checkpointBytes = 0;  // the last one's sections
  // Rank 0: the most of other ranks' state it held at once while writing
  // checkpoints or handing out a resumed run's shares (CheckpointLimits).
  std::uint64_t checkpointBuffered = 0;
};

// Throws std::invalid_argument when a PipelineDef is malformed.
void validatePipeline(const PipelineDef& pipeline);

// Runs one rank of `pipeline` over `transport`. `initialItems` (a batch of
// the entry stage's input, may be null) is used on rank 0 only, after the
// init stages. Returns when the run is over on every rank, or has failed.
// `options` is taken by value so that a resumed run's share of the
// checkpoint is freed once it is in place.
RunResult runRank(const PipelineDef& pipeline, Transport& transport, RankOptions options,
                  std::unique_ptr<BatchBase> initialItems);

}  // namespace jobstream::detail
