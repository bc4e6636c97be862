#include "stealing/stealing.hpp"

#include <algorithm>

#include "messages/wire.hpp"

namespace jobstream::detail {

Stealing::Stealing(Tree& tree, TaskQueue& queue, const PipelineDef& pipeline, int threads, WorkTally& tally)
    : tree_(tree),
      queue_(queue),
      pipeline_(pipeline),
      threads_(threads),
      tally_(tally),
      random_(static_cast<std::uint64_t>(tree.rank()) * 0x9E3779B97F4A7C15ull + 1) {}

void Stealing::maybeAsk(const ChunkSizer& sizer, bool allowed) {
  if (tree_.size() == 1 || !allowed || outstanding_ || Clock::now() < nextAt_) return;
  // Ask before running dry (about 1 ms of work per worker left), so that
  // work keeps flowing while the answer travels.
  if (queue_.queuedChunks(sizer) >= 2 * static_cast<std::size_t>(threads_)) return;
  int victim = static_cast<int>(random_() % static_cast<std::uint64_t>(tree_.size() - 1));
  if (victim >= tree_.rank()) ++victim;
  tree_.send(victim, MessageKind::stealRequest, encode(Signal{}));
  outstanding_ = true;
}

std::size_t Stealing::answer(int thief, bool allowed) {
  std::vector<Task> given;
  if (allowed) {
    const std::size_t stealable = queue_.stealableItems();
    // Half, but in pieces of bounded size: a thief starts on the first piece
    // while it asks for the next, and no message needs a huge fresh buffer.
    std::size_t give = std::min(stealable / 2, limit());
    // A last item goes only if every worker here is busy with something else.
    if (give == 0 && stealable == 1 && queue_.idleWorkers() == 0) give = 1;
    if (give != 0) given = queue_.giveAway(give);
  }
  if (given.empty()) {
    tree_.send(thief, MessageKind::stealRefused, encode(Signal{}));
    return 0;
  }
  std::size_t items = 0;
  for (const Task& task : given) items += task.size();
  std::vector<char> bytes;
  bytes.reserve(static_cast<std::size_t>(bytesPerItem_ * static_cast<double>(items)) + 64);
  encodeInto(bytes, given, pipeline_);
  bytesPerItem_ = std::max(1.0, static_cast<double>(bytes.size()) / static_cast<double>(items));
  tree_.send(thief, MessageKind::stolen, std::move(bytes));
  ++tally_.sent;
  return items;
}

void Stealing::refused() {
  if (!outstanding_) throw std::runtime_error("a steal refusal nobody asked for");
  outstanding_ = false;
  nextAt_ = Clock::now() + backoff_;
  backoff_ = std::min(backoff_ * 2, kMaxBackoff);
}

void Stealing::received() {
  if (!outstanding_) throw std::runtime_error("stolen work nobody asked for");
  outstanding_ = false;
  restart();
}

void Stealing::restart() {
  backoff_ = kMinBackoff;
  nextAt_ = Clock::now();
}

std::size_t Stealing::limit() const { return static_cast<std::size_t>(std::max(1.0, kAnswerBytes / bytesPerItem_)); }

}  // namespace jobstream::detail
