// A batch: the unit in which items move between stages, threads and ranks.
// Items are never handled one by one by the runtime: a batch of one type, for
// one stage, is queued, split, sent and checkpointed as a whole.
#pragma once

#include <compare>
#include <cstddef>
#include <iterator>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <vector>

#include "jobstream/detail/allocator.hpp"
#include "jobstream/detail/user_templates.hpp"

JOBSTREAM_TEMPLATES_BEGIN

namespace jobstream::detail {

// How a batch holds its items (and what Multiple<T> is): a vector whose large
// allocations use huge pages (see allocator.hpp).
template <class T>
using Items = std::vector<T, ItemAllocator<T>>;

// Items of these types are written straight into a batch's memory through a
// pointer (Output<T>, a Lazy's draw); others are appended one by one.
template <class T>
concept RawItem = std::is_trivially_copyable_v<T> && std::is_trivially_default_constructible_v<T> &&
                  std::is_trivially_destructible_v<T>;

// `DefaultInitItems{0}, DefaultInitItems{n}`: n DefaultInit, for inserting
// n default-initialised items into Items<T> (ItemAllocator::construct).
class DefaultInitItems {
 public:
  using iterator_category = std::random_access_iterator_tag;
  using value_type = DefaultInit;
  using difference_type = std::ptrdiff_t;
  using pointer = const DefaultInit*;
  using reference = DefaultInit;

  constexpr DefaultInitItems() = default;
  constexpr explicit DefaultInitItems(std::size_t at) : at_(static_cast<difference_type>(at)) {}

  constexpr DefaultInit operator*() const { return {}; }
  constexpr DefaultInit operator[](difference_type) const { return {}; }
  constexpr DefaultInitItems& operator++() { return ++at_, *this; }
  constexpr DefaultInitItems operator++(int) { return DefaultInitItems(at_++, 0); }
  constexpr DefaultInitItems& operator--() { return --at_, *this; }
  constexpr DefaultInitItems operator--(int) { return DefaultInitItems(at_--, 0); }
  constexpr DefaultInitItems& operator+=(difference_type n) { return at_ += n, *this; }
  constexpr DefaultInitItems& operator-=(difference_type n) { return at_ -= n, *this; }
  friend constexpr DefaultInitItems operator+(DefaultInitItems it, difference_type n) { return it += n; }
  friend constexpr DefaultInitItems operator+(difference_type n, DefaultInitItems it) { return it += n; }
  friend constexpr DefaultInitItems operator-(DefaultInitItems it, difference_type n) { return it -= n; }
  friend constexpr difference_type operator-(DefaultInitItems a, DefaultInitItems b) { return a.at_ - b.at_; }
  friend constexpr bool operator==(DefaultInitItems a, DefaultInitItems b) { return a.at_ == b.at_; }
  friend constexpr auto operator<=>(DefaultInitItems a, DefaultInitItems b) { return a.at_ <=> b.at_; }

 private:
  constexpr DefaultInitItems(difference_type at, int) : at_(at) {}
  difference_type at_ = 0;
};

class BatchBase {
 public:
  virtual ~BatchBase() = default;
  virtual std::size_t size() const = 0;
};

template <class T>
class Batch final : public BatchBase {
 public:
  Items<T> items;
  std::size_t size() const override { return items.size(); }
};

// Entry point behind jobstream::run([pipeline,] argc, argv, items): `type` is
// checked against the first stage's input type before anything runs. Without
// a name, the program's only pipeline runs.
int runWithItems(std::optional<std::string_view> pipeline, int argc, char** argv,
                 std::unique_ptr<BatchBase> items, const std::type_info& type);

}  // namespace jobstream::detail

JOBSTREAM_TEMPLATES_END
