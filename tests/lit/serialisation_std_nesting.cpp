// Every std type jsgen lets travel, nested in one another: jsgen walks each
// one's item arguments (not allocators, comparators or hashers) to the user
// types inside, and writes serialize for those only; enums, scoped or not,
// need nothing. The result compiles strictly with both compilers.
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --input-file=%t.cpp
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
#include <jobstream/jobstream.hpp>

#include <array>
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

namespace geo {
enum Plain { north, south };
enum class Scoped : short { east, west };

struct Point {
  double x = 0, y = 0;
  bool operator<(const Point& other) const { return x < other.x; }
};
struct Key {
  int id = 0;
  bool operator<(const Key& other) const { return id < other.id; }
};
struct Label {
  std::string text;
};
struct Tag {
  Scoped scoped{};
};
struct Tail {
  Plain plain{};
};
struct Owned {
  long value = 0;
};
struct Leaf {
  int leaf = 0;
};
namespace inner {
struct Deep {
  struct Nested {
    Scoped s;
    Plain p;
  };
  Nested nested;
};
}  // namespace inner

struct Everything {
  std::map<std::string, std::vector<std::optional<Point>>> paths;
  std::unordered_map<int, std::set<Key>> keys;
  std::array<Label, 2> labels;
  std::variant<int, Tag, std::string> choice;
  std::tuple<int, std::pair<Tail, std::string>> tuple;
  std::unique_ptr<Owned> owned;
  std::optional<inner::Deep> deep;
  std::vector<std::unique_ptr<std::variant<Leaf, double>>> leaves;
  Plain plain = north;
  Scoped scoped = Scoped::west;
};

[[jobstream::job]] Everything make(int) { return {}; }
[[jobstream::job]] int use(const Everything& e) { return static_cast<int>(e.paths.size()); }
}  // namespace geo

// Each user type inside, once, before the type that holds it.
// CHECK-DAG: void serialize(Archive& jsgen_archive, ::geo::Point& jsgen_value) {
// CHECK-DAG: void serialize(Archive& jsgen_archive, ::geo::Key& jsgen_value) {
// CHECK-DAG: void serialize(Archive& jsgen_archive, ::geo::Label& jsgen_value) {
// CHECK-DAG: void serialize(Archive& jsgen_archive, ::geo::Tag& jsgen_value) {
// CHECK-DAG: void serialize(Archive& jsgen_archive, ::geo::Tail& jsgen_value) {
// CHECK-DAG: void serialize(Archive& jsgen_archive, ::geo::Owned& jsgen_value) {
// CHECK-DAG: void serialize(Archive& jsgen_archive, ::geo::inner::Deep::Nested& jsgen_value) {
// CHECK-DAG: void serialize(Archive& jsgen_archive, ::geo::inner::Deep& jsgen_value) {
// CHECK-DAG: void serialize(Archive& jsgen_archive, ::geo::Leaf& jsgen_value) {
// CHECK:      void serialize(Archive& jsgen_archive, ::geo::Everything& jsgen_value) {
// CHECK-NEXT:   jsgen_archive(jsgen_value.paths, jsgen_value.keys, jsgen_value.labels, jsgen_value.choice, jsgen_value.tuple, jsgen_value.owned, jsgen_value.deep, jsgen_value.leaves, jsgen_value.plain, jsgen_value.scoped);
// CHECK-NOT:  serialize(Archive
// CHECK-NOT:  Plain&
// CHECK-NOT:  Scoped&
