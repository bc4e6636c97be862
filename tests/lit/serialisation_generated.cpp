// jsgen writes cereal serialize() for user types that cross a stage boundary,
// found through std containers, nested members and bases; enums need nothing;
// a type with its own serialize keeps it. The result compiles strictly.
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --input-file=%t.cpp
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
#include <jobstream/jobstream.hpp>

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace geo {

enum class Colour { red, green };

struct Base {
  int id = 0;
};

struct Shape : Base {
  // Nested: its serialize goes in geo, the namespace of the outermost class.
  // (No default member initialisers: clang would then judge Corner not
  // default-constructible inside Shape, breaking std::optional<Corner>.)
  struct Corner {
    double x, y;
  };
  std::vector<Corner> corners;
  std::map<std::string, Colour> colours;
  std::optional<Corner> centre;
};

// Has its own serialisation: jsgen must not add another (cereal would find two).
struct Tagged {
  int tag = 0;
  template <class Archive>
  void serialize(Archive& archive) { archive(tag); }
};

namespace {
struct Hidden {
  // Printed by the default printer.
  friend std::ostream& operator<<(std::ostream& out, const Hidden&) { return out << "Hidden"; }
  long value = 0;
};
}  // namespace

[[jobstream::job]] Shape build(int n) { return Shape{{n}, {}, {}, std::nullopt}; }
[[jobstream::job]] Tagged tag(const Shape& shape) { return Tagged{shape.id}; }
[[jobstream::job]] Hidden hide(Tagged tagged) { return Hidden{tagged.tag}; }

}  // namespace geo

// CHECK:      namespace geo {
// CHECK-NEXT: template <class Archive>
// CHECK-NEXT: void serialize(Archive& jsgen_archive, ::geo::Base& jsgen_value) {
// CHECK-NEXT:   jsgen_archive(jsgen_value.id);
// CHECK-NEXT: }
// CHECK-NEXT: }  // namespace geo
// CHECK:      namespace geo {
// CHECK-NEXT: template <class Archive>
// CHECK-NEXT: void serialize(Archive& jsgen_archive, ::geo::Shape::Corner& jsgen_value) {
// CHECK-NEXT:   jsgen_archive(jsgen_value.x, jsgen_value.y);
// CHECK:      void serialize(Archive& jsgen_archive, ::geo::Shape& jsgen_value) {
// CHECK-NEXT:   jsgen_archive(::cereal::base_class<::geo::Base>(&jsgen_value), jsgen_value.corners, jsgen_value.colours, jsgen_value.centre);
// CHECK:      namespace geo {
// CHECK-NEXT: namespace {
// CHECK-NEXT: template <class Archive>
// CHECK-NEXT: void serialize(Archive& jsgen_archive, ::geo::Hidden& jsgen_value) {
// CHECK-NEXT:   jsgen_archive(jsgen_value.value);
// CHECK-NEXT: }
// CHECK-NEXT: }  // namespace
// CHECK-NEXT: }  // namespace geo

// Tagged is trivially copyable but brings its own serialize: the runtime must
// use it rather than copy bytes.
// CHECK:      namespace jobstream::detail {
// CHECK-NEXT: template <>
// CHECK-NEXT: struct travels_as_bytes<::geo::Tagged> : std::false_type {};
// CHECK-NEXT: }  // namespace jobstream::detail

// CHECK-NOT:  serialize(Archive& jsgen_archive, ::geo::Tagged&
// CHECK-NOT:  Colour&
