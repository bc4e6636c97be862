// The inside of jobstream::Lazy<T> (jobstream.hpp): items that are not made
// until a worker needs them. The runtime sees a LazySource, which draws up
// to n items into a batch and says how many it drew; the templates below
// make one from a C++20 input range or from a generator callable.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <ranges>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "jobstream/detail/batch.hpp"
#include "jobstream/detail/user_templates.hpp"

JOBSTREAM_TEMPLATES_BEGIN

namespace jobstream::detail {

// Items drawn in order, one thread at a time (the runtime sees to that).
// draw and skip run the user's range or generator, which may throw.
class LazySource {
 public:
  virtual ~LazySource() = default;
  // Appends up to `n` next items to `into`, a Batch of the item type;
  // returns how many. Fewer than `n` only once ended().
  virtual std::size_t draw(BatchBase& into, std::size_t n) = 0;
  // Empties `into`, keeping its memory, for the next draw.
  virtual void clear(BatchBase& into) const = 0;
  // Drops the next `n` items without making them where the range allows it
  // (a random-access range jumps); returns how many it dropped, fewer than
  // `n` only once ended().
  virtual std::uint64_t skip(std::uint64_t n) = 0;
  // True once the last item has been drawn or skipped.
  virtual bool ended() const = 0;
  // The items the range held when it was made, if it knows (a sized range).
  virtual std::optional<std::uint64_t> total() const = 0;
  virtual const std::type_info& type() const = 0;  // the item type
  virtual std::size_t itemBytes() const = 0;       // sizeof of it
};

template <class T>
class TypedLazySource : public LazySource {
 public:
  void clear(BatchBase& into) const final { static_cast<Batch<T>&>(into).items.clear(); }
  const std::type_info& type() const final { return typeid(T); }
  std::size_t itemBytes() const final { return sizeof(T); }
};

// A range taken by value. It is begun at the first draw, never earlier, and
// never moves afterwards (the source lives on the heap), so iterators into it
// stay valid.
template <class T, class R>
class RangeSource final : public TypedLazySource<T> {
 public:
  explicit RangeSource(R range) : range_(std::move(range)) {
    if constexpr (std::ranges::sized_range<R>) total_ = static_cast<std::uint64_t>(std::ranges::size(range_));
  }

  // The loop runs on local copies of the iterator and sentinel, and writes
  // plain items through a pointer: members of this object (which lives on
  // the heap) and the vector's end would be stored and loaded back per item.
  std::size_t draw(BatchBase& into, std::size_t n) override {
    begin();
    auto& items = static_cast<Batch<T>&>(into).items;
    const std::size_t first = items.size();
    if constexpr (RawItem<T>) items.insert(items.end(), DefaultInitItems{0}, DefaultInitItems{n});
    Iterator it = std::move(*it_);
    const Sentinel end = *end_;
    std::size_t drawn = 0;
    try {
      if constexpr (RawItem<T>) {
        T* const out = items.data() + first;
        for (; drawn != n && it != end; ++it, ++drawn) ::new (static_cast<void*>(out + drawn)) T(*it);
      } else {
        for (; drawn != n && it != end; ++it, ++drawn) items.emplace_back(*it);
      }
    } catch (...) {
      // The range threw (a transform's function): what was drawn stays.
      if constexpr (RawItem<T>) items.erase(items.begin() + static_cast<std::ptrdiff_t>(first + drawn), items.end());
      *it_ = std::move(it);
      throw;
    }
    if constexpr (RawItem<T>) items.erase(items.begin() + static_cast<std::ptrdiff_t>(first + drawn), items.end());
    *it_ = std::move(it);
    return drawn;
  }

  std::uint64_t skip(std::uint64_t n) override {
    begin();
    using Difference = std::iter_difference_t<Iterator>;
    // ranges::advance jumps where the sentinel tells the distance (iota, a
    // vector) and steps otherwise; its count is the iterator's own type,
    // so a huge skip goes in pieces that it can hold.
    constexpr std::uint64_t kMaxStep = sizeof(Difference) >= sizeof(std::int64_t)
                                           ? static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
                                           : static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max());
    std::uint64_t dropped = 0;
    while (dropped != n && *it_ != *end_) {
      const std::uint64_t step = n - dropped < kMaxStep ? n - dropped : kMaxStep;
      const Difference left = std::ranges::advance(*it_, static_cast<Difference>(step), *end_);
      dropped += step - static_cast<std::uint64_t>(left);
    }
    return dropped;
  }

  bool ended() const override { return it_ && *it_ == *end_; }
  std::optional<std::uint64_t> total() const override { return total_; }

 private:
  using Iterator = std::ranges::iterator_t<R>;
  using Sentinel = std::ranges::sentinel_t<R>;

  void begin() {
    if (it_) return;
    it_.emplace(std::ranges::begin(range_));
    end_.emplace(std::ranges::end(range_));
  }

  R range_;
  std::optional<Iterator> it_;  // optional: C++20 iterators need not be default-constructible
  std::optional<Sentinel> end_;
  std::optional<std::uint64_t> total_;
};

// A callable that returns std::optional<T>: the next item, or nullopt at
// the end (and it is not called again).
template <class T, class G>
class GeneratorSource final : public TypedLazySource<T> {
 public:
  explicit GeneratorSource(G generate) : generate_(std::move(generate)) {}

  std::size_t draw(BatchBase& into, std::size_t n) override {
    auto& items = static_cast<Batch<T>&>(into).items;
    std::size_t drawn = 0;
    for (; drawn != n && !ended_; ++drawn) {
      std::optional<T> next = generate_();
      if (!next) {
        ended_ = true;
        break;
      }
      items.push_back(std::move(*next));
    }
    return drawn;
  }

  std::uint64_t skip(std::uint64_t n) override {
    std::uint64_t dropped = 0;
    for (; dropped != n && !ended_; ++dropped) {
      if (!generate_()) {
        ended_ = true;
        break;
      }
    }
    return dropped;
  }

  bool ended() const override { return ended_; }
  std::optional<std::uint64_t> total() const override { return std::nullopt; }

 private:
  G generate_;
  bool ended_ = false;
};

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

// What jobstream::Lazy<T> may be made of.
template <class R, class T>
concept LazyRange = std::ranges::input_range<R> && std::convertible_to<std::ranges::range_reference_t<R>, T> &&
                    std::move_constructible<R>;

template <class G>
concept LazyGenerator = !std::ranges::input_range<G> && std::move_constructible<G> && std::invocable<G&> &&
                        IsOptional<std::invoke_result_t<G&>>::value;

}  // namespace jobstream::detail

JOBSTREAM_TEMPLATES_END
