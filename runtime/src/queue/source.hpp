// A jobstream::Lazy in a rank's queue: the items an init has not made yet.
//
// The source sits in the queue as a task for the pipeline's entry stage.
// A worker that takes it draws up to a chunk of items into a batch and
// runs them; another rank that steals gets items drawn from it (never the
// source itself). Draws are sequential, under the source's own lock, never
// the queue's.
//
// Termination: the source counts as one unfinished item of its key until it
// has ended (opened by Rank::deliverSource, closed by the draw that finds
// the end), and each draw counts the items it made created before anyone
// else can see them. So while a source has items left its key cannot look
// quiet, and once it has ended its items count like any others
// (termination/waves.hpp).
//
// Checkpoints hold the init that made it and how many items it has drawn.
// A resumed run rebuilds it at its first draw, by calling the init again,
// and skips those items: the init must make the same items every time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

#include "jobstream/detail/codec.hpp"
#include "jobstream/detail/lazy_source.hpp"
#include "jobstream/detail/stage.hpp"
#include "termination/scope_tracker.hpp"

namespace jobstream::detail {

// User code failed while a source was drawn: the init that made it is the
// stage to blame.
class SourceFailed : public std::runtime_error {
 public:
  SourceFailed(StageIndex init, const std::string& what) : std::runtime_error(what), init_(init) {}
  StageIndex init() const { return init_; }

 private:
  StageIndex init_;
};

class QueuedSource {
 public:
  using Rebuild = std::function<std::unique_ptr<LazySource>()>;
  using Clock = std::chrono::steady_clock;

  // Where a source counts its items, and what they are.
  struct Place {
    StageIndex init = 0;   // the init that made it
    StageIndex stage = 0;  // the entry stage its items are for
    const ItemType* type = nullptr;  // that stage's input
    KeyedCounters* counters = nullptr;
    ScopeKey key;
  };

  // A source an init returned, drawn from its start: it opens its count.
  QueuedSource(std::unique_ptr<LazySource> lazy, Place place);
  // A source restored from a checkpoint (whose counters hold its open
  // count), `drawn` items into it: `rebuild` makes it again at the first
  // draw, which first skips those items.
  QueuedSource(Rebuild rebuild, std::uint64_t drawn, Place place);

  // Draws up to `n` items into `into` (a fresh batch when it is null or
  // shared, else its memory is reused), counted created, and returns how
  // many; the draw that finds the end closes the source's own count. Draws
  // until `deadline` at most, when one is given (then fewer than `n` do not
  // mean the end). Throws SourceFailed when user code throws.
  std::size_t draw(std::shared_ptr<BatchBase>& into, std::size_t n,
                   std::optional<Clock::time_point> deadline = std::nullopt);
  // The same for the communication thread: it waits at most `wait` for a
  // worker's draw to end, and does not draw from a source not rebuilt yet
  // (rebuilding may skip for long). Returns 0 when it did not draw.
  std::size_t tryDraw(std::shared_ptr<BatchBase>& into, std::size_t n, std::chrono::microseconds wait,
                      Clock::time_point deadline);

  StageIndex init() const { return place_.init; }
  StageIndex stage() const { return place_.stage; }
  const ScopeKey& key() const { return place_.key; }
  // Items drawn (or skipped on resume) so far: the position a checkpoint keeps.
  std::uint64_t drawn() const { return drawn_.load(std::memory_order_relaxed); }
  bool ended() const { return ended_.load(std::memory_order_acquire); }
  // Items left, when the range knows its size.
  std::optional<std::uint64_t> remaining() const;
  // The most items a steal draws at once: about a MiB of them.
  std::size_t maxDrawForSteal() const;

 private:
  std::size_t drawLocked(std::shared_ptr<BatchBase>& into, std::size_t n,
                         std::optional<Clock::time_point> deadline);
  void rebuild();

  Place place_;
  std::timed_mutex mutex_;  // held while drawing
  std::unique_ptr<LazySource> lazy_;  // null until rebuilt, for a restored source
  Rebuild rebuild_;
  std::atomic<bool> built_{false};
  std::atomic<bool> ended_{false};
  std::atomic<std::uint64_t> drawn_{0};
  std::atomic<std::uint64_t> total_{kUnknown};  // items the range held, kUnknown if it does not say
  std::atomic<std::size_t> itemBytes_{0};

  static constexpr std::uint64_t kUnknown = ~std::uint64_t{0};
};

}  // namespace jobstream::detail
