#include "stealing/stealing.hpp"

#include <algorithm>

#include "messages/wire.hpp"

namespace jobstream::detail {

Stealing::Stealing(Tree& tree, TaskQueue& queue, const PipelineDef& pipeline, int threads, WorkTally& tally,
                   StealingLimits limits)
    : tree_(tree),
      queue_(queue),
      pipeline_(pipeline),
      threads_(threads),
      tally_(tally),
      limits_(limits),
      random_(static_cast<std::uint64_t>(tree.rank()) * 0x9E3779B97F4A7C15ull + 1) {}

void Stealing::maybeAsk(const ChunkSizer& sizer, bool allowed) {
  if (tree_.size() == 1 || !allowed || outstanding_ || Clock::now() < nextAt_) return;
  // Ask before running dry (about 1 ms of work per worker left), so that
  // work keeps flowing while the answer travels; and after a large answer
  // once half of it is used, so that a stream of answers (each bounded by
  // StealingLimits::answerBytes) keeps this rank busy from a rank with much
  // more to give.
  if (queue_.queuedChunks(sizer) >= 2 * static_cast<std::size_t>(threads_) &&
      queue_.queuedItems() >= lastAnswer_ / 2)
    return;
  int victim = static_cast<int>(random_() % static_cast<std::uint64_t>(tree_.size() - 1));
  if (victim >= tree_.rank()) ++victim;
  tree_.send(victim, MessageKind::stealRequest, encode(Signal{}));
  outstanding_ = true;
}

std::size_t Stealing::answer(int thief, bool allowed) {
  // About half of what can be stolen, so that work spreads over N ranks in
  // about log2(N) rounds, however few items a round trip could carry. It
  // leaves in pieces of bounded size, each a message of its own: the thief
  // starts on the first while the others travel, and no message needs a
  // huge fresh buffer. The last piece is a `stolen` message, the others
  // `stolenPart`; only the last ends the thief's request.
  std::size_t give = 0;
  if (allowed) {
    const std::size_t stealable = queue_.stealableItems();
    give = stealable / 2;
    // A last item goes only if every worker here is busy with something else.
    if (give == 0 && stealable == 1 && queue_.idleWorkers() == 0) give = 1;
  }
  std::size_t items = 0;
  std::size_t bytesSent = 0;
  std::vector<char> pending;  // the piece before, sent once it is known not to be the last
  std::size_t pendingItems = 0;
  while (items < give && static_cast<double>(bytesSent + pending.size()) < limits_.answerBytes) {
    std::vector<Task> piece = queue_.giveAway(std::min(give - items, pieceItems()));
    if (piece.empty()) break;  // the workers here took the rest meanwhile
    std::size_t pieceSize = 0;
    for (const Task& task : piece) pieceSize += task.size();
    if (!pending.empty()) {
      bytesSent += pending.size();
      tree_.send(thief, MessageKind::stolenPart, std::move(pending));
      ++tally_.sent;
    }
    const std::size_t estimate = static_cast<std::size_t>(bytesPerItem_ * static_cast<double>(pieceSize)) + 64;
    pending = tree_.spareBuffer(estimate);  // warm pages, not fresh ones, where the transport has some
    pending.reserve(estimate);
    encodeInto(pending, piece, pipeline_);
    bytesPerItem_ = std::max(1.0, static_cast<double>(pending.size()) / static_cast<double>(pieceSize));
    pendingItems = pieceSize;
    items += pieceSize;
  }
  if (pendingItems == 0) {
    tree_.send(thief, MessageKind::stealRefused, encode(Signal{}));
    return 0;
  }
  tree_.send(thief, MessageKind::stolen, std::move(pending));
  ++tally_.sent;
  gaveAt_ = Clock::now();
  return items;
}

void Stealing::refused() {
  if (!outstanding_) throw std::runtime_error("a steal refusal nobody asked for");
  outstanding_ = false;
  nextAt_ = Clock::now() + backoff_;
  backoff_ = std::min(backoff_ * 2, kMaxBackoff);
}

void Stealing::received(std::size_t items, bool last) {
  // A stolenPart may arrive after the stolen of its answer: it is then
  // counted towards the next answer, which only makes that one look larger.
  receivedItems_ += items;
  if (!last) return;
  if (!outstanding_) throw std::runtime_error("stolen work nobody asked for");
  outstanding_ = false;
  lastAnswer_ = receivedItems_;
  receivedItems_ = 0;
  restart();
}

void Stealing::restart() {
  backoff_ = kMinBackoff;
  nextAt_ = Clock::now();
}

std::size_t Stealing::pieceItems() const {
  return static_cast<std::size_t>(std::max(1.0, limits_.pieceBytes / bytesPerItem_));
}

}  // namespace jobstream::detail
