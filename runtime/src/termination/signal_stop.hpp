// A run told to stop: SIGTERM (what a batch scheduler sends at a job's time
// limit, some seconds before SIGKILL) or SIGINT (Ctrl-C), reaching any rank,
// or only some.
//
//   1. A rank's signal handler only notes the signal (program/
//      stop_signals.hpp); its communication thread reads the note on every
//      pass and hears it here.
//   2. Up: each wave reply carries the strongest signal heard in the
//      replier's subtree (WaveReply::stopSignal), so rank 0 hears of a
//      signal that reached any rank within one termination wave, without a
//      message of its own and so without one in flight when the run ends.
//   3. Rank 0 makes the checkpoints' pause under way, or else the next one
//      (due at once), the last (checkpoint/coordinator.hpp): every rank
//      holds its work, nothing is left in flight, each rank's state goes
//      into the file if the run has one, and no rank runs again.
//   4. Once the file is written, rank 0 begins the stop with the signal
//      (termination/shutdown.hpp), and every rank leaves its loop in order
//      with exit status 128 + the signal: 143 for SIGTERM, 130 for SIGINT.
//
// The checkpoint is taken once the calls running at the signal have
// returned, so every call made before it is in the file and a rerun does
// not make it again. A run whose work ends before the last pause can start
// ends as usual (exit status 0). SIGTERM outweighs SIGINT: a rank told both
// passes SIGTERM on, and rank 0 stops the run with SIGTERM if it heard both
// by then (the stop carries one signal, so every rank exits alike).
//
// Communication thread only.
#pragma once

#include <string>

#include "checkpoint/coordinator.hpp"
#include "termination/shutdown.hpp"
#include "transport/tree.hpp"

namespace jobstream::detail {

class SignalStop {
 public:
  SignalStop(Tree& tree, Checkpoints& checkpoints, Shutdown& shutdown)
      : tree_(tree), checkpoints_(checkpoints), shutdown_(shutdown) {}

  // SIGTERM or SIGINT reached this rank, or a rank of its subtree (a wave
  // reply); 0 and repeats change nothing. The strongest so far counts.
  void heard(int signal);
  // What this rank's wave replies carry up: 0 until a signal was heard.
  int signal() const { return signal_; }

  // Rank 0, every pass of the loop: once a signal was heard, makes the
  // checkpoints' pause the last, and once it is over, begins the stop.
  // `allowed`: no stop or failure under way (then the run ends anyway).
  // True if it did something.
  bool maybeAct(bool allowed);

  // Rank 0, after a run this stopped: the line that tells the user what
  // happened and what to do, for a run checkpointed into `file` (empty:
  // none).
  std::string summary(const std::string& file) const;

 private:
  Tree& tree_;
  Checkpoints& checkpoints_;
  Shutdown& shutdown_;
  int signal_ = 0;
  bool lastAsked_ = false;  // rank 0: the checkpoints know their pause is the last
};

// "SIGTERM", "SIGINT", or "signal N".
std::string signalName(int signal);

}  // namespace jobstream::detail
