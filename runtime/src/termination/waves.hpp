// Termination waves: how rank 0 learns that a reduction's region, a frame
// instance's generation or the whole run is over, and carries its orders
// (fire a reduction, recall an instance, retire counters) to every rank.
//
// Each rank keeps two monotonic counters per scope key (KeyedCounters):
// items created and items finished. Wave k goes down the tree from rank 0
// and its sums come back up, giving C_k and F_k per key. Rank 0 starts wave
// k+1 only after wave k has completed, so there is a moment t between them
// with, for every key, F_k <= F(t) <= C(t) <= C_{k+1} (counters only grow;
// an item is created before it can be finished). If F_k == C_{k+1}, then
// F(t) == C(t): at t every item of that key ever created had been finished
// (Mattern's four-counter method, counting items rather than messages).
// Items in transit, or moved by stealing, are created and not finished
// wherever they are, so they cannot fool the test. What a quiet key means
// is ScopeTracker's business (scope_tracker.hpp).
//
// A wave's reply also carries up the signal (SIGTERM, SIGINT) that reached
// a rank of the subtree, if any: rank 0 hears of it within one wave, without
// a message of its own (termination/signal_stop.hpp).
//
// A wave's work on each rank is the rank's (WaveParticipant): applying the
// orders on the way down, merging stores and adding counters on the way up,
// and on rank 0 calling what a finished reduction emits. This object owns
// the protocol: numbering, replies pending, sums, the tracker and the pace.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "jobstream/detail/stage.hpp"
#include "messages/wire.hpp"
#include "termination/scope_tracker.hpp"
#include "transport/tree.hpp"

namespace jobstream::detail {

class WaveParticipant {
 public:
  // The request reached this rank: apply the orders that need no reply
  // (retire counters, recall instances homed here, noting each in `sums`).
  virtual void arrived(const Actions& actions, WaveReply& sums) = 0;
  // Every child has replied: merge the fired reductions' stores into
  // `sums.fires`, add this rank's counters and its stop signal. False if
  // user code failed.
  virtual bool departing(const Actions& actions, WaveReply& sums) = 0;
  // Rank 0, the wave's sums complete: end each fired reduction that did not
  // recur (its leave) or keep its store for later. False if user code failed.
  virtual bool concluding(const Actions& actions, WaveReply& sums) = 0;

 protected:
  ~WaveParticipant() = default;
};

class Waves {
 public:
  using Clock = std::chrono::steady_clock;

  Waves(Tree& tree, const PipelineDef& pipeline, WaveParticipant& participant);

  // Rank 0: starts the next wave when one is due. `allowed`: no pause, stop or
  // checkpoint in flight; `idle`: this rank has nothing queued or running.
  bool maybeStart(bool allowed, bool idle);
  void onRequest(const Message& message);
  void onReply(const Message& message);

  bool active() const { return active_; }
  // Rank 0: the tracker says the run is over.
  bool done() const { return tracker_ && tracker_->done(); }

  // What a checkpoint saves on rank 0, and what a resume puts back.
  std::uint64_t number() const { return wave_; }
  const Actions& nextActions() const { return next_; }
  ScopeTracker& tracker() { return *tracker_; }
  void restore(std::uint64_t wave, Actions next);

 private:
  void begin(WaveRequest request);
  void depart();
  void complete();

  Tree& tree_;
  const PipelineDef& pipeline_;
  WaveParticipant& participant_;
  bool active_ = false;
  std::uint64_t wave_ = 0;
  WaveRequest request_;  // the wave under way
  WaveReply sums_;       // its sums so far: this rank's subtree
  Pending replies_{"termination wave"};
  // Rank 0.
  std::optional<ScopeTracker> tracker_;
  Actions next_;  // for the next wave
  Clock::time_point nextAt_{};
  std::chrono::microseconds interval_{kMinInterval};
  bool wasIdle_ = false;  // at the last look

  static constexpr std::chrono::microseconds kMinInterval{100};
  static constexpr std::chrono::microseconds kMaxInterval{2000};
};

}  // namespace jobstream::detail
