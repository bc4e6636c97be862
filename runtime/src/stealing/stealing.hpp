// Stealing: how work moves between ranks. A rank whose queue runs low asks
// one random other rank for work, one request outstanding at a time, with
// exponential backoff after a refusal. The victim's communication thread
// gives about half of its stealable items from the back of its queue (the
// work furthest from being needed there), splitting a task's range if needed,
// in pieces of bounded size; never items for stages pinned to a rank.
//
// The messages: stealRequest (thief to victim), then the answer: zero or
// more stolenPart and one stolen (pieces of the items given), or
// stealRefused. Their items are queued by whoever receives them
// (Rank::receiveWork), which then tells this object. A stolenPart may
// arrive after the stolen of its answer (a transport may reorder kinds).
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

#include "jobstream/detail/stage.hpp"
#include "transport/tree.hpp"
#include "queue/chunk_sizer.hpp"
#include "queue/task_queue.hpp"

namespace jobstream::detail {

// Messages that carry work (work and stolen), sent and received by one rank:
// a checkpoint's pause counts them until nothing is in flight.
struct WorkTally {
  std::uint64_t sent = 0;
  std::uint64_t received = 0;
};

// How much one answer gives: its pieces' size and its whole size, in
// encoded bytes (about: a piece's items are counted from the bytes per
// item of the piece before). Tests make them small.
struct StealingLimits {
  double pieceBytes = 512 * 1024;
  double answerBytes = 4 * 1024 * 1024;
};

class Stealing {
 public:
  using Clock = std::chrono::steady_clock;

  Stealing(Tree& tree, TaskQueue& queue, const PipelineDef& pipeline, int threads, WorkTally& tally,
           StealingLimits limits = {});

  // Asks a random other rank for work if this one runs low, no request is
  // outstanding and the backoff has passed. `allowed`: false while the run
  // stops or a checkpoint pauses it.
  void maybeAsk(const ChunkSizer& sizer, bool allowed);
  // `thief` asked: give it about half of what can be stolen here, or
  // refuse. Returns the items given.
  std::size_t answer(int thief, bool allowed);
  void refused();
  // A piece of an answer arrived, its items queued already: `last` for a
  // stolen message (which ends the request), not for a stolenPart.
  void received(std::size_t items, bool last);
  bool outstanding() const { return outstanding_; }
  // Whether this rank gave work within the last few milliseconds: a thief
  // that got a full answer asks again soon, and should not wait for a slow
  // poll here.
  bool gaveRecently(Clock::time_point now) const { return now - gaveAt_ < kRecentlyGave; }
  // After a pause: ask again at once.
  void restart();

 private:
  std::size_t pieceItems() const;

  Tree& tree_;
  TaskQueue& queue_;
  const PipelineDef& pipeline_;
  const int threads_;
  WorkTally& tally_;
  const StealingLimits limits_;
  std::mt19937_64 random_;
  bool outstanding_ = false;
  double bytesPerItem_ = 8;  // on the wire, as measured by the last answer
  std::chrono::microseconds backoff_{kMinBackoff};
  Clock::time_point nextAt_{};
  Clock::time_point gaveAt_{};
  std::size_t receivedItems_ = 0;  // of the answer under way
  std::size_t lastAnswer_ = 0;     // items the last whole answer brought
  static constexpr std::chrono::milliseconds kRecentlyGave{5};

  static constexpr std::chrono::microseconds kMinBackoff{50};
  static constexpr std::chrono::microseconds kMaxBackoff{20000};
};

}  // namespace jobstream::detail
