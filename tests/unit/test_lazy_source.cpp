// The source inside a jobstream::Lazy, on its own: what each kind of range
// or callable draws, in order, how it skips (a jump where the range can,
// steps otherwise), what it says of its size and its end.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
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

// A draw appends to what the batch holds, and a range that throws mid-draw
// (a transform's function) leaves the items drawn before it in the batch
// and nothing else: plain items, written through a pointer, and others.
template <class T>
void throwingDraw(T (*make)(int)) {
  const auto failAtFive = [make](int x) {
    if (x == 5) throw std::runtime_error("record 5 is damaged");
    return make(x);
  };
  const auto source = sourceOf(jobstream::Lazy<T>(std::views::iota(0, 10) | std::views::transform(failAtFive)));
  Batch<T> batch;
  batch.items.push_back(make(-1));
  EXPECT_EQ(source->draw(batch, 3), 3u);
  EXPECT_THROW(source->draw(batch, 4), std::runtime_error);
  const std::vector<T> expected{make(-1), make(0), make(1), make(2), make(3), make(4)};
  EXPECT_EQ(std::vector<T>(batch.items.begin(), batch.items.end()), expected);
  EXPECT_THROW(source->draw(batch, 4), std::runtime_error) << "the iterator stays at the damaged record";
  EXPECT_EQ(batch.items.size(), expected.size());
}

TEST(LazySource, ARangeThatThrowsKeepsWhatItDrewBefore) {
  throwingDraw<std::int64_t>([](int x) { return std::int64_t{x} * 3; });
  throwingDraw<std::string>([](int x) { return std::to_string(x); });
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
