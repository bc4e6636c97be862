// Classes in anonymous namespaces, with private members: their serialize goes
// in the same anonymous namespace, and the member tags name them from the
// global one.
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --input-file=%t.cpp
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
#include <jobstream/jobstream.hpp>

#include <ostream>
#include <string>

namespace {
class Loose {
  std::string text_;
};
}  // namespace

namespace tied {
namespace {
class Knot {
  // Printed by the default printer.
  friend std::ostream& operator<<(std::ostream& out, const Knot&) { return out << "Knot"; }
  std::string text_;
  Loose loose_;
};
}  // namespace

[[jobstream::job]] Knot tie(int) { return {}; }
}  // namespace tied

// (A class in the global namespace's anonymous namespace is written without
// the leading "::"; it is found from anywhere all the same.)
// CHECK:      template struct jsgen_member_access<jsgen_member_0_0, &Loose::text_>;
// CHECK:      template struct jsgen_member_access<jsgen_member_1_0, &::tied::Knot::text_>;
// CHECK:      template struct jsgen_member_access<jsgen_member_1_1, &::tied::Knot::loose_>;
// CHECK:      namespace {
// CHECK-NEXT: template <class Archive>
// CHECK-NEXT: void serialize(Archive& jsgen_archive, Loose& jsgen_value) {
// CHECK:      namespace tied {
// CHECK-NEXT: namespace {
// CHECK-NEXT: template <class Archive>
// CHECK-NEXT: void serialize(Archive& jsgen_archive, ::tied::Knot& jsgen_value) {
