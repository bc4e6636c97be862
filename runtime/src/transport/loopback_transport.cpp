#include "transport/loopback_transport.hpp"

#include <stdexcept>

namespace jobstream::detail {

LoopbackHub::LoopbackHub(int ranks, LoopbackChaos chaos) : chaos_(chaos), random_(chaos.seed) {
  if (ranks < 1) throw std::invalid_argument("a loopback hub needs at least one rank");
  for (int r = 0; r != ranks; ++r) mailboxes_.push_back(std::make_unique<Mailbox>());
}

void LoopbackHub::post(int source, int dest, int tag, std::vector<char> bytes) {
  if (dest < 0 || dest >= size()) throw std::out_of_range("loopback send to a missing rank");
  Clock::time_point readyAt{};
  if (chaos_.enabled) {
    std::lock_guard lock(randomMutex_);
    // A third of the messages go at once, the rest after up to maxDelay.
    if (random_() % 3 != 0) {
      const auto range = static_cast<std::uint64_t>(chaos_.maxDelay.count()) + 1;
      readyAt = Clock::now() + std::chrono::microseconds(random_() % range);
    }
  }
  Mailbox& box = *mailboxes_[static_cast<std::size_t>(dest)];
  std::lock_guard lock(box.mutex);
  box.pending.push_back({readyAt, Message{source, tag, std::move(bytes)}});
}

std::optional<Message> LoopbackHub::take(int dest) {
  Mailbox& box = *mailboxes_[static_cast<std::size_t>(dest)];
  std::lock_guard lock(box.mutex);
  if (box.pending.empty()) return std::nullopt;
  std::size_t pick = 0;
  if (chaos_.enabled) {
    // Any message whose delay has passed may come next.
    const auto now = Clock::now();
    std::vector<std::size_t> ready;
    for (std::size_t i = 0; i != box.pending.size(); ++i)
      if (box.pending[i].readyAt <= now) ready.push_back(i);
    if (ready.empty()) return std::nullopt;
    std::lock_guard randomLock(randomMutex_);
    pick = ready[random_() % ready.size()];
  }
  Message message = std::move(box.pending[pick].message);
  box.pending.erase(box.pending.begin() + static_cast<std::ptrdiff_t>(pick));
  return message;
}

void LoopbackHub::abort() {
  aborted_.store(true);
  std::lock_guard lock(sumMutex_);  // wakes ranks waiting in sumOverRanks
  sumDone_.notify_all();
}

std::size_t LoopbackHub::inFlight() {
  std::size_t count = 0;
  for (auto& box : mailboxes_) {
    std::lock_guard lock(box->mutex);
    count += box->pending.size();
  }
  return count;
}

std::int64_t LoopbackHub::sumOverRanks(std::int64_t value) {
  std::unique_lock lock(sumMutex_);
  const std::uint64_t generation = sumGeneration_;
  sumAccumulating_ += value;
  if (++sumArrived_ == size()) {
    sumResult_ = sumAccumulating_;
    sumAccumulating_ = 0;
    sumArrived_ = 0;
    ++sumGeneration_;
    sumDone_.notify_all();
    return sumResult_;
  }
  // Also gives up when another rank aborted, so a failing rank never strands the rest.
  sumDone_.wait(lock, [&] { return sumGeneration_ != generation || aborted(); });
  if (sumGeneration_ == generation) throw std::runtime_error("run aborted");
  return sumResult_;
}

}  // namespace jobstream::detail
