// ItemType round trips: trivially copyable items travel as raw bytes, the
// rest through cereal; truncated or corrupt data is an error, never UB.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "test_pipelines.hpp"

namespace jstest {
namespace {

struct Point {
  double x;
  int id;
  bool operator==(const Point&) const = default;
};

struct Labelled {  // not trivially copyable: goes through its own serialize
  std::string label;
  std::vector<int> values;
  std::map<std::string, double> extra;
  bool operator==(const Labelled&) const = default;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(label, values, extra);
  }
};

template <class T>
std::vector<T> roundTrip(const std::vector<T>& items, std::size_t begin, std::size_t end) {
  const ItemType& type = itemTypeOf<T>;
  auto from = batchOf(items);
  std::vector<char> bytes;
  ByteWriter out(bytes);
  type.save(*from, begin, end, out);
  ByteReader in(bytes.data(), bytes.size());
  auto into = type.make();
  type.load(in, *into);
  EXPECT_EQ(in.remaining(), 0u);
  const auto& loaded = static_cast<Batch<T>&>(*into).items;
  return std::vector<T>(loaded.begin(), loaded.end());
}

TEST(Codec, TriviallyCopyableItemsRoundTripAsRawBytes) {
  static_assert(travels_as_bytes<Point>::value);
  std::vector<Point> items{{1.5, 1}, {-2.25, 2}, {1e300, 3}, {0, 4}};
  EXPECT_EQ(roundTrip(items, 0, 4), items);
  EXPECT_EQ(roundTrip(items, 1, 3), (std::vector<Point>{{-2.25, 2}, {1e300, 3}}));
  EXPECT_TRUE(roundTrip(items, 2, 2).empty());

  const ItemType& type = itemTypeOf<Point>;
  auto from = batchOf(items);
  std::vector<char> bytes;
  ByteWriter out(bytes);
  type.save(*from, 0, 4, out);
  EXPECT_EQ(bytes.size(), 16 + 4 * sizeof(Point));  // count, size, then memcpy'd items
}

TEST(Codec, CerealItemsRoundTrip) {
  std::vector<Labelled> items{{"a", {1, 2, 3}, {{"k", 1.5}}}, {"", {}, {}}, {std::string(1000, 'z'), {7}, {}}};
  EXPECT_EQ(roundTrip(items, 0, 3), items);
  EXPECT_EQ(roundTrip(items, 2, 3), (std::vector<Labelled>{items[2]}));
  std::vector<std::string> strings{"hello", "", "wörld"};
  EXPECT_EQ(roundTrip(strings, 0, 3), strings);
  std::vector<std::vector<int>> nested{{1}, {}, {2, 3}};
  EXPECT_EQ(roundTrip(nested, 0, 3), nested);
}

TEST(Codec, AppendMovesARange) {
  const ItemType& type = itemTypeOf<std::string>;
  auto from = batchOf(std::vector<std::string>{"a", "b", "c", "d"});
  auto into = batchOf(std::vector<std::string>{"x"});
  type.append(*into, *from, 1, 3);
  EXPECT_EQ(static_cast<Batch<std::string>&>(*into).items, (Items<std::string>{"x", "b", "c"}));
}

TEST(Codec, TruncatedOrCorruptDataIsRefused) {
  for (const ItemType* type : {&itemTypeOf<int>, &itemTypeOf<std::string>}) {
    std::unique_ptr<BatchBase> from = type == &itemTypeOf<int>
                                          ? batchOf(std::vector<int>{1, 2, 3})
                                          : batchOf(std::vector<std::string>{"one", "two", "three"});
    std::vector<char> bytes;
    ByteWriter out(bytes);
    type->save(*from, 0, 3, out);
    for (std::size_t cut = 0; cut < bytes.size(); cut += 3) {
      ByteReader in(bytes.data(), cut);
      auto into = type->make();
      EXPECT_THROW(type->load(in, *into), std::exception) << "cut at " << cut;
    }
  }
  // A count that does not match the payload size.
  std::vector<char> bytes;
  ByteWriter out(bytes);
  out.put<std::uint64_t>(5);
  out.put<std::uint64_t>(8);
  out.put<std::uint64_t>(0);
  ByteReader in(bytes.data(), bytes.size());
  auto into = itemTypeOf<int>.make();
  EXPECT_THROW(itemTypeOf<int>.load(in, *into), std::runtime_error);
}

// A corrupt count is refused before anything is allocated for it: for raw
// items, even one whose size in bytes wraps around to the payload's.
TEST(Codec, AbsurdCountsAreRefusedWithoutAllocating) {
  for (const ItemType* type : {&itemTypeOf<int>, &itemTypeOf<std::string>}) {
    for (const std::uint64_t count : {std::uint64_t{1} << 62, ~std::uint64_t{0}}) {
      std::vector<char> bytes;
      ByteWriter out(bytes);
      out.put<std::uint64_t>(count);
      out.put<std::uint64_t>(0);
      ByteReader in(bytes.data(), bytes.size());
      auto into = type->make();
      EXPECT_THROW(type->load(in, *into), std::runtime_error) << count;
    }
  }
}

}  // namespace
}  // namespace jstest
