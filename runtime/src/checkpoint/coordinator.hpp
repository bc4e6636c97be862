// Checkpoints while a run goes on: a consistent snapshot of every rank,
// taken while nothing runs and nothing is in flight, and a run resumed from
// one on any number of ranks.
//
// Taking one (rank 0 decides, between termination waves; the actions the
// next wave is to carry are part of the checkpoint):
//   1. pause, round 1, down the tree: each rank holds its queue (workers
//      finish the chunk they run, then wait), stops stealing (it refuses
//      requests and waits for the answer to its own), sends what its last
//      chunks made for other ranks, and answers up the tree, once its
//      subtree has, with the work and stolen messages its subtree sent and
//      received so far.
//   2. Once every rank is still, no rank sends work again until the resume,
//      so the sent sum is final; the received sum grows to meet it. Rank 0
//      repeats the counting round until the two are equal: then no item is
//      in flight, every item is in a queue, a store, an instance or a
//      finish stage's collection, and the counters say exactly that.
//   3. snapshot, down the tree: each rank encodes its state (state.hpp),
//      tells rank 0 so (snapshotTaken), then waits.
//   4. Once every rank's state is encoded, rank 0 sends resume down the
//      tree: the bytes may still be on their way, the run goes on. No rank
//      goes on before every rank's state was encoded: otherwise work made
//      after the snapshot could reach a rank whose snapshot is still to
//      come, and be in the checkpoint twice. Then rank 0 hands its own
//      sections to its writer thread (stream_writer.hpp), which begins the
//      file (checkpoint_file.hpp: atomic).
//   5. The bytes, while the run goes on: rank 0 asks rank 1, then 2, ...
//      for the next pieces of its sections (snapshotPull, at most
//      limits.pieceBytes), each answer (snapshotData) going to the writer
//      in file order; it asks again only once what the writer holds of other
//      ranks' state and the bytes asked for stay within limits.bufferBytes.
//      So rank 0 never holds more than its own state and that buffer,
//      however many ranks there are and however much each holds; the others
//      keep their encoded state until rank 0 has taken it. Once the last
//      rank's last piece is in, the writer finishes the file.
//
// The last pause: a run told to stop by a signal (termination/signal_stop.hpp)
// takes one more checkpoint at once, and nothing runs after it. The pause
// under way, if the ranks have not run again since it began, or else the
// next one, which starts as soon as it may, is the last: steps 1 to 3 as
// above, but rank 0 sends no resume, so every rank stays held until the stop,
// and once the file is written (or its write failed) the pause is over.
// Without a file it is steps 1 and 2 alone: no state is taken, but the ranks
// are still and nothing is in flight, so the run may stop in order.
//
// Resuming: rank 0 puts its own share in place (reading it from the file a
// section at a time) and sends each other rank its share (planResume) in
// pieces read from the file as they go, one unacknowledged message of at
// most limits.pieceBytes per rank and at most limits.bufferBytes in all;
// each rank acknowledges every message (restored) and puts each section in
// place as it is whole. A rank starts its workers only once its whole share
// is in place, and rank 0 starts termination waves only when every rank's
// is. Items for a frame_end cannot reach a rank before the instance does.
//
// This object owns the protocol; what a rank holds and how it pauses is the
// rank's (CheckpointParticipant).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checkpoint/state.hpp"
#include "checkpoint/stream_writer.hpp"
#include "jobstream/detail/stage.hpp"
#include "messages/wire.hpp"
#include "rank/rank.hpp"
#include "stealing/stealing.hpp"
#include "transport/tree.hpp"

namespace jobstream::detail {

class CheckpointParticipant {
 public:
  // Hold the queue: workers finish the chunk they run, then wait.
  virtual void hold() = 0;
  // Every worker waits and no request of this rank's awaits an answer.
  virtual bool still() = 0;
  // Send what the last chunks made for other ranks; then the work messages
  // this rank sent and received so far.
  virtual WorkTally settle() = 0;
  virtual RankState state() = 0;
  virtual GlobalState globalState() = 0;  // rank 0
  // The checkpoint is taken: run again.
  virtual void resume() = 0;
  // A resumed run: put one section of this rank's share in place, and,
  // once all are, start the workers.
  virtual void restoreSection(const CheckpointSection& section) = 0;
  virtual void restoreDone() = 0;
  // Rank 0: a checkpoint was written, the `count`th of this run.
  virtual void written(int count) = 0;

 protected:
  ~CheckpointParticipant() = default;
};

class Checkpoints {
 public:
  using Clock = std::chrono::steady_clock;

  // `file` empty: no checkpoints (a rank still answers rank 0's orders).
  Checkpoints(Tree& tree, const PipelineDef& pipeline, CheckpointParticipant& participant, std::string file,
              double intervalSeconds, RunResult& result, CheckpointLimits limits = {});
  ~Checkpoints();
  Checkpoints(const Checkpoints&) = delete;
  Checkpoints& operator=(const Checkpoints&) = delete;

  // Rank 0: starts a checkpoint when one is due; `allowed`: no wave, stop or
  // failure under way.
  bool maybeStart(bool allowed);
  // Rank 0, told to stop: the pause under way, if the ranks have not run
  // since it began, or else the next, due at once, is the last (above).
  void makeLast();
  // Rank 0: the last pause is over: every rank is held, nothing is in
  // flight, and its checkpoint, if the run has a file, was written or
  // failed to be (lastWritten).
  bool lastOver() const;
  bool lastWritten() const { return lastWriteOk_; }
  // Every pass of the loop: answers a counting round once this rank is still.
  bool maybeAnswer();
  void onPause(const Message& message);
  void onPauseReply(const Message& message);
  void onSnapshot(const Message& message);
  void onSnapshotTaken(const Message& message);
  void onSnapshotData(const Message& message);
  void onSnapshotPull(const Message& message);
  void onResume(const Message& message);
  // Every pass of the loop, rank 0: asks for the next pieces of a
  // checkpoint, sends the next pieces of the shares of a resumed run.
  bool pump();
  // Rank 0: the most it has held of other ranks' state at once (step 5,
  // resuming), for tests and benchmarks.
  std::size_t peakBuffered() const { return peakBuffered_; }

  // No pause under way: work runs, ranks steal.
  bool running() const { return pause_ == Pause::running; }
  // Rank 0: when the last checkpoint began (its first pause order).
  Clock::time_point lastStart() const { return pauseStartedAt_; }
  // Rank 0: some rank's state is still on its way (no wave may end the run).
  bool bytesInFlight() const { return !snapshots_.none(); }

  // A resumed run. Rank 0 restores its own share and sends every other rank
  // its share; the others wait for theirs (onRestore). Rank 0 counts the
  // shares in place (onRestored) until sharesInPlace().
  void sendShares(ResumePlan plan);
  void awaitShare() { awaitingShare_ = true; }
  bool awaitingShare() const { return awaitingShare_; }
  void onRestore(const Message& message);
  void onRestored(const Message& message);
  bool sharesInPlace() const { return restoreAcks_.none(); }

  // Rank 0: joins the writer (waiting for it if `wait`, and abandoning a
  // file whose pieces have not all arrived); a failed write is a warning.
  // At the end of a run that succeeded, removeFile() too.
  bool collectWriter(bool wait);
  void removeFile();

 private:
  enum class Pause : std::uint8_t { running, quiescing, still, snapshotTaken };

  void beginRound(std::uint32_t round);
  void takeSnapshot();
  void snapshotTaken();
  bool pumpSnapshot();
  bool pumpShares();
  void noteBuffered(std::size_t bytes);
  Clock::duration interval() const;

  Tree& tree_;
  const PipelineDef& pipeline_;
  CheckpointParticipant& participant_;
  const std::string file_;
  const double intervalSeconds_;
  RunResult& result_;  // the pauses and the bytes
  const CheckpointLimits limits_;

  Pause pause_ = Pause::running;
  std::uint32_t round_ = 0;
  Pending replies_{"checkpoint pause"};
  bool answered_ = false;
  PauseReply sums_;  // this round, the subtree's replies so far
  // Other ranks: the encoded state rank 0 has not taken yet, and how much
  // of the first section it has.
  std::deque<CheckpointSection> outgoing_;
  std::uint64_t outgoingOffset_ = 0;
  bool awaitingShare_ = false;                 // a resumed run, other ranks: until rank 0's share is whole
  std::optional<CheckpointSection> arriving_;  // the section of the share being received
  Pending restoreAcks_{"resume"};              // rank 0: shares not yet in place
  // Rank 0.
  Clock::time_point nextAt_{};
  Clock::time_point pauseStartedAt_{};
  Pending taken_{"checkpoint snapshot"};      // ranks whose state is not yet encoded: the pause goes on
  Pending snapshots_{"checkpoint snapshot"};  // ranks whose encoded state has not all arrived: the write waits
  std::vector<bool> takenBy_;                 // per rank: its state is encoded
  int pullFrom_ = 0;                          // the rank whose pieces are asked for now
  bool pullOutstanding_ = false;
  std::vector<CheckpointSection> own_;  // rank 0's state, until the pause is over
  std::unique_ptr<StreamWriter> writer_;
  bool committed_ = false;  // the writer has every piece
  std::size_t peakBuffered_ = 0;
  int written_ = 0;
  bool lastWriteOk_ = false;  // the last write collected succeeded
  bool last_ = false;         // told to stop: the pause under way or the next is the last
  bool lastHeld_ = false;     // the last pause has every rank still (and its state encoded)
  // Rank 0, resuming: the plan, and per rank how far its share has gone.
  struct ShareCursor {
    bool countersSent = false;
    std::size_t section = 0;   // into the plan's shares[rank]
    std::uint64_t offset = 0;  // into that section
    std::size_t unacknowledged = 0;  // bytes of the message it has not acknowledged, 0 if none
    bool sentLast = false;
  };
  std::optional<ResumePlan> plan_;
  std::vector<ShareCursor> cursors_;
  int nextShare_ = 1;  // where the round over ranks with nothing unacknowledged goes on
};

}  // namespace jobstream::detail
