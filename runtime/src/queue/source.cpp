#include "queue/source.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>

namespace jobstream::detail {

namespace {

// A draw's pieces when it has a deadline: small first, so that a slow
// range or generator is looked at soon, then doubling.
constexpr std::size_t kFirstDrawPiece = 64;
constexpr std::size_t kStealDrawBytes = std::size_t{1} << 20;

}  // namespace

QueuedSource::QueuedSource(std::unique_ptr<LazySource> lazy, Place place)
    : place_(place), lazy_(std::move(lazy)) {
  if (!lazy_) throw std::logic_error("a lazy source without its items");
  if (lazy_->type() != *place_.type->type)
    throw std::logic_error("a jobstream::Lazy of another type than its stage takes");
  if (const std::optional<std::uint64_t> total = lazy_->total()) total_.store(*total);
  itemBytes_.store(lazy_->itemBytes());
  built_.store(true);
  place_.counters->opened(place_.key);
}

QueuedSource::QueuedSource(Rebuild rebuild, std::uint64_t drawn, Place place)
    : place_(place), rebuild_(std::move(rebuild)) {
  drawn_.store(drawn);
}

std::optional<std::uint64_t> QueuedSource::remaining() const {
  const std::uint64_t total = total_.load(std::memory_order_relaxed);
  if (total == kUnknown) return std::nullopt;
  return total - std::min(total, drawn());
}

std::size_t QueuedSource::maxDrawForSteal() const {
  const std::size_t itemBytes = std::max<std::size_t>(1, itemBytes_.load(std::memory_order_relaxed));
  return std::max<std::size_t>(1, kStealDrawBytes / itemBytes);
}

std::size_t QueuedSource::draw(std::shared_ptr<BatchBase>& into, std::size_t n,
                               std::optional<Clock::time_point> deadline) {
  std::lock_guard lock(mutex_);
  return drawLocked(into, n, deadline);
}

std::size_t QueuedSource::tryDraw(std::shared_ptr<BatchBase>& into, std::size_t n,
                                  std::chrono::microseconds wait, Clock::time_point deadline) {
  if (!built_.load()) return 0;
  std::unique_lock lock(mutex_, std::defer_lock);
  if (!lock.try_lock_for(wait)) return 0;
  return drawLocked(into, n, deadline);
}

void QueuedSource::rebuild() {
  std::unique_ptr<LazySource> lazy = rebuild_();
  if (!lazy || lazy->type() != *place_.type->type)
    throw std::logic_error("the init called again on resume returned no jobstream::Lazy of its items");
  const std::uint64_t position = drawn();
  const std::uint64_t skipped = lazy->skip(position);
  if (skipped != position)
    throw std::runtime_error(fmt::format(
        "called again to resume the run, it made only {} of the {} items drawn before the checkpoint; an init "
        "that returns jobstream::Lazy must make the same items each time it is called",
        skipped, position));
  // The whole range's size, as for a fresh source: drawn() counts the skipped items.
  if (const std::optional<std::uint64_t> total = lazy->total()) total_.store(*total);
  itemBytes_.store(lazy->itemBytes());
  lazy_ = std::move(lazy);
  rebuild_ = nullptr;
  built_.store(true);
}

std::size_t QueuedSource::drawLocked(std::shared_ptr<BatchBase>& into, std::size_t n,
                                     std::optional<Clock::time_point> deadline) {
  if (ended()) return 0;
  std::size_t drawn = 0;
  try {
    if (!lazy_) rebuild();
    if (!into || into.use_count() != 1) {
      into = place_.type->make();
    } else {
      lazy_->clear(*into);
    }
    if (!deadline) {
      drawn = lazy_->draw(*into, n);
    } else {
      for (std::size_t piece = kFirstDrawPiece; drawn != n && !lazy_->ended();) {
        drawn += lazy_->draw(*into, std::min(piece, n - drawn));
        if (Clock::now() >= *deadline) break;
        piece *= 2;
      }
    }
  } catch (const std::exception& e) {
    throw SourceFailed(place_.init, e.what());
  } catch (...) {
    throw SourceFailed(place_.init, "unknown exception");
  }
  // Counted before the items leave this call, the end after them.
  drawn_.fetch_add(drawn, std::memory_order_relaxed);
  if (drawn != 0) place_.counters->created(place_.key, drawn);
  if (lazy_->ended()) {
    ended_.store(true, std::memory_order_release);
    place_.counters->closed(place_.key);
  }
  return drawn;
}

}  // namespace jobstream::detail
