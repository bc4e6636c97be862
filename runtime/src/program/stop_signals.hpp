// SIGTERM and SIGINT while jobstream::run runs a pipeline. The handler only
// notes the signal in an atomic, which the rank's communication thread reads
// (RankOptions::stopSignal): the run then takes a checkpoint and stops
// (termination/signal_stop.hpp), with exit status 143 or 130.
//
// The one exception is a second SIGINT: the user presses Ctrl-C again
// because they do not want to wait, maybe for a call of a stage that runs
// for minutes, which the checkpoint waits for. The handler then ends the
// process at once with exit status 130 (_exit, which a handler may call),
// without a checkpoint; the previous one, if any, stays whole. SIGTERM
// never does this: a scheduler, and mpirun, may send it to every process
// of a job more than once.
#pragma once

#include <atomic>

namespace jobstream::detail {

class StopSignals {
 public:
  // Installs the handlers (with SA_RESTART, so that no call of a stage sees
  // EINTR). `speak`: this process says so on stderr when a second SIGINT
  // ends it (rank 0 only, so the line comes once).
  explicit StopSignals(bool speak);
  // Puts back the handlers these replaced.
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // SIGTERM or SIGINT once one came (SIGTERM if both did), 0 until then.
  static const std::atomic<int>& received();
};

}  // namespace jobstream::detail
