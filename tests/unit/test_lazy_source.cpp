// The source inside a jobstream::Lazy, on its own: what each kind of range
// or callable draws, in order, how it skips (a jump where the range can,
// steps otherwise), what it says of its size and its end.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <ranges>
#include <string>
#include <typeinfo>
#include <vector>

#include "jobstream/detail/generated.hpp"

namespace jstest {
namespace {

using namespace jobstream::detail;

template <class T>
std::unique_ptr<LazySource> sourceOf(jobstream::Lazy<T> lazy) {
  return LazyAccess::take(lazy);
}

template <class T>
std::vector<T> drawn(LazySource& source, std::size_t n) {
  Batch<T> batch;
  source.draw(batch, n);
  return std::vector<T>(batch.items.begin(), batch.items.end());
}

TEST(LazySource, DrawsARangeInOrderAndKnowsItsSize) {
  const auto source = sourceOf(jobstream::Lazy(std::views::iota(std::int64_t{10}, std::int64_t{20})));
  static_assert(std::is_same_v<decltype(jobstream::Lazy(std::views::iota(std::int64_t{0}, std::int64_t{1}))),
                               jobstream::Lazy<std::int64_t>>);
  EXPECT_EQ(source->type(), typeid(std::int64_t));
  EXPECT_EQ(source->itemBytes(), sizeof(std::int64_t));
  EXPECT_EQ(source->total(), std::optional<std::uint64_t>(10));
  EXPECT_EQ(drawn<std::int64_t>(*source, 3), (std::vector<std::int64_t>{10, 11, 12}));
  EXPECT_FALSE(source->ended());
  EXPECT_EQ(source->skip(4), 4u);
  EXPECT_EQ(drawn<std::int64_t>(*source, 100), (std::vector<std::int64_t>{17, 18, 19}));
  EXPECT_TRUE(source->ended()) << "a range knows its end without a draw past it";
  EXPECT_TRUE(drawn<std::int64_t>(*source, 5).empty());
}

TEST(LazySource, ConvertsElementsAndTakesContainersAndFilteredViews) {
  // int elements into a Lazy<double>, a vector it owns, a filter (no size).
  const auto square = [](int x) { return x * x; };
  const auto squares = sourceOf(jobstream::Lazy<double>(std::views::iota(0, 4) | std::views::transform(square)));
  EXPECT_EQ(drawn<double>(*squares, 10), (std::vector<double>{0, 1, 4, 9}));
  const auto words = sourceOf(jobstream::Lazy(std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(drawn<std::string>(*words, 2), (std::vector<std::string>{"a", "b"}));
  const auto isEven = [](int x) { return x % 2 == 0; };
  const auto even = sourceOf(jobstream::Lazy(std::views::iota(0, 10) | std::views::filter(isEven)));
  EXPECT_EQ(even->total(), std::nullopt);
  EXPECT_EQ(even->skip(3), 3u) << "skipped by stepping";
  EXPECT_EQ(drawn<int>(*even, 10), (std::vector<int>{6, 8}));
  EXPECT_EQ(even->skip(1), 0u);
}

// A resume skips what was drawn: a random-access range jumps, however far.
TEST(LazySource, SkipsFarInARandomAccessRangeAtOnce) {
  const std::int64_t n = std::int64_t{1} << 40;
  const auto source = sourceOf(jobstream::Lazy(std::views::iota(std::int64_t{0}, n)));
  EXPECT_EQ(source->skip(static_cast<std::uint64_t>(n) - 2), static_cast<std::uint64_t>(n) - 2);
  EXPECT_EQ(drawn<std::int64_t>(*source, 5), (std::vector<std::int64_t>{n - 2, n - 1}));
  EXPECT_TRUE(source->ended());
}

TEST(LazySource, AGeneratorEndsAtItsFirstNullopt) {
  int calls = 0;
  const auto source = sourceOf(jobstream::Lazy([&calls, next = 0]() mutable -> std::optional<int> {
    ++calls;
    if (next == 5) return std::nullopt;
    return next++;
  }));
  EXPECT_EQ(source->total(), std::nullopt);
  EXPECT_EQ(drawn<int>(*source, 2), (std::vector<int>{0, 1}));
  EXPECT_EQ(source->skip(2), 2u);
  EXPECT_FALSE(source->ended()) << "a generator's end is seen only when it says so";
  EXPECT_EQ(drawn<int>(*source, 2), (std::vector<int>{4}));
  EXPECT_TRUE(source->ended());
  EXPECT_EQ(source->skip(3), 0u);
  EXPECT_TRUE(drawn<int>(*source, 2).empty());
  EXPECT_EQ(calls, 6) << "called again after its end";
}

}  // namespace
}  // namespace jstest
