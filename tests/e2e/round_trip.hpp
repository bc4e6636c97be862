// Types of every kind jsgen writes serialisation for, with no serialisation
// written here (except OwnArchive, which keeps its own), and a value of each
// made from an index, so that a receiver can tell a faithful copy from a
// broken one. round_trip.cpp sends them through a pipeline; the same pipeline
// runs over MPI (tests/e2e) and over the loopback transport (tests/unit).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

namespace round_trip {

enum Colour { red, green, blue };  // unscoped

namespace geo {
enum class Axis : std::uint8_t { x, y, z };  // scoped, with its own underlying type

struct Point {  // trivially copyable: travels as raw bytes
  double x = 0;
  double y = 0;
  Axis along = Axis::x;
  bool operator==(const Point&) const = default;
};
}  // namespace geo

struct Tag {  // a base class with members of its own
  std::string label;
  int level = 0;
  bool operator==(const Tag&) const = default;
};

class Record : public Tag {  // private and protected members, a base
 public:
  Record() = default;
  explicit Record(int i)
      : Tag{"record " + std::to_string(i), i % 7}, values_{i, -i, i * i}, note_(i % 2 ? "odd" : "even") {}
  bool operator==(const Record&) const = default;

 private:
  std::vector<int> values_;

 protected:
  std::string note_;
};

struct Outer {  // a nested type
  struct Inner {
    std::map<std::string, int> counts;
    std::set<std::pair<int, std::string>> pairs;
    bool operator==(const Inner&) const = default;
  };
  Inner inner;
  std::optional<Inner> maybe;
  bool operator==(const Outer&) const = default;
};

struct Tree {  // recursive through a vector
  int value = 0;
  std::vector<Tree> children;
  bool operator==(const Tree&) const = default;
};

struct Owner {  // owns through a unique_ptr; copies deeply
  std::unique_ptr<Tree> root;
  std::unique_ptr<Record> nothing;  // stays null
  Owner() = default;
  Owner(const Owner& other)
      : root(other.root ? std::make_unique<Tree>(*other.root) : nullptr),
        nothing(other.nothing ? std::make_unique<Record>(*other.nothing) : nullptr) {}
  Owner(Owner&&) noexcept = default;
  Owner& operator=(Owner other) noexcept {
    root = std::move(other.root);
    nothing = std::move(other.nothing);
    return *this;
  }
  ~Owner() = default;
  bool operator==(const Owner& other) const {
    const auto same = [](const auto& a, const auto& b) { return a ? b && *a == *b : !b; };
    return same(root, other.root) && same(nothing, other.nothing);
  }
};

struct OwnArchive {  // has its own serialize: jsgen keeps it
  int stored = 0;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(stored);
  }
  bool operator==(const OwnArchive&) const = default;
};

using Deep = std::vector<std::optional<std::map<std::string, std::tuple<int, std::variant<double, std::string>>>>>;

struct Everything {
  int index = 0;
  int checkedOn = -1;  // the rank whose check stage saw it
  Colour colour = red;
  geo::Axis axis = geo::Axis::x;
  geo::Point point;
  std::string text;
  std::vector<std::string> words;
  std::array<geo::Point, 3> corners{};
  std::map<int, std::vector<std::string>> byLength;
  std::unordered_map<std::string, geo::Point> named;
  std::set<long> odd;
  std::optional<Record> record;
  std::optional<int> none;
  std::variant<int, std::string, geo::Point> choice;
  std::tuple<int, std::string, std::vector<double>> triple;
  std::pair<Colour, std::string> pair;
  Outer outer;
  Owner owner;
  OwnArchive own;
  Deep deep;
  bool operator==(const Everything&) const = default;
};

// The first member in which `a` and `b` differ ("" if none), so that a
// failure names the kind of type that did not survive the trip.
inline std::string firstDifference(const Everything& a, const Everything& b) {
#define JSTEST_MEMBER(m) \
  if (!(a.m == b.m)) return #m
  JSTEST_MEMBER(index);
  JSTEST_MEMBER(checkedOn);
  JSTEST_MEMBER(colour);
  JSTEST_MEMBER(axis);
  JSTEST_MEMBER(point);
  JSTEST_MEMBER(text);
  JSTEST_MEMBER(words);
  JSTEST_MEMBER(corners);
  JSTEST_MEMBER(byLength);
  JSTEST_MEMBER(named);
  JSTEST_MEMBER(odd);
  JSTEST_MEMBER(record);
  JSTEST_MEMBER(none);
  JSTEST_MEMBER(choice);
  JSTEST_MEMBER(triple);
  JSTEST_MEMBER(pair);
  JSTEST_MEMBER(outer);
  JSTEST_MEMBER(owner);
  JSTEST_MEMBER(own);
  JSTEST_MEMBER(deep);
#undef JSTEST_MEMBER
  return a == b ? "" : "(a member firstDifference does not list)";
}

// A value of every member that depends on i, so that items differ.
inline Everything make(int i) {
  Everything e;
  e.index = i;
  e.colour = static_cast<Colour>(i % 3);
  e.axis = static_cast<geo::Axis>((i + 1) % 3);
  e.point = {i * 0.5, -i * 0.25, geo::Axis::z};
  e.text = std::string(static_cast<std::size_t>(i % 40), 'a' + static_cast<char>(i % 26)) + "\n\t\0 end";
  for (int w = 0; w != i % 5; ++w) e.words.push_back("word" + std::to_string(i * 10 + w));
  e.corners = {geo::Point{1.0 * i, 0, geo::Axis::x}, geo::Point{0, 2.0 * i, geo::Axis::y}, geo::Point{}};
  for (const std::string& word : e.words) e.byLength[static_cast<int>(word.size())].push_back(word);
  e.named["p" + std::to_string(i)] = e.point;
  e.named["origin"] = geo::Point{};
  for (long n = 1; n < i % 17; n += 2) e.odd.insert(n * 1000003L);
  if (i % 4 != 0) e.record = Record(i);
  switch (i % 3) {
    case 0: e.choice = i; break;
    case 1: e.choice = "choice " + std::to_string(i); break;
    default: e.choice = e.point; break;
  }
  e.triple = {i, std::to_string(i), std::vector<double>(static_cast<std::size_t>(i % 6), i / 3.0)};
  e.pair = {static_cast<Colour>((i + 2) % 3), "pair"};
  e.outer.inner.counts = {{"i", i}, {"twice", 2 * i}};
  e.outer.inner.pairs = {{i, "a"}, {-i, "b"}};
  if (i % 2) e.outer.maybe = Outer::Inner{{{"odd", 1}}, {}};
  e.owner.root = std::make_unique<Tree>(Tree{i, {Tree{i + 1, {}}, Tree{i + 2, {Tree{i + 3, {}}}}}});
  e.own.stored = i * 3;
  e.deep.resize(static_cast<std::size_t>(i % 3 + 1));
  e.deep.back() = std::map<std::string, std::tuple<int, std::variant<double, std::string>>>{
      {"d", {i, 1.5 * i}}, {"s", {-i, std::string("deep")}}};
  return e;
}

}  // namespace round_trip
