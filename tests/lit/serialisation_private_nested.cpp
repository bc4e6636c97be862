// A class nested as a private member cannot be named outside its class, not
// even in serialize's parameter: jsgen_type_access hands its type back the
// same way member pointers are. Members of nested classes, public or not,
// are reached as for any class.
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --input-file=%t.cpp
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
#include <jobstream/jobstream.hpp>

#include <optional>
#include <ostream>
#include <vector>

namespace deep {
class Outer {
  // Printed by the default printer.
  friend std::ostream& operator<<(std::ostream& out, const Outer&) { return out << "Outer"; }
 public:
  struct Open {
    int shown = 0;

   private:
    int kept_ = 0;
  };
  Open open;

 private:
  // No default member initialiser: clang would then judge Hidden not
  // default-constructible inside Outer, breaking std::optional<Hidden>.
  struct Hidden {
    double depth;
  };
  std::vector<Hidden> hidden_;
  std::optional<Hidden> first_;
};

[[jobstream::job]] Outer make(int) { return {}; }
}  // namespace deep

// CHECK:      struct jsgen_member_0_1 { friend constexpr auto jsgen_member(jsgen_member_0_1) noexcept; };
// CHECK-NEXT: template struct jsgen_member_access<jsgen_member_0_1, &::deep::Outer::Open::kept_>;
// CHECK-NEXT: struct jsgen_type_1 { friend constexpr auto jsgen_type(jsgen_type_1) noexcept; };
// CHECK-NEXT: template struct jsgen_type_access<jsgen_type_1, ::deep::Outer::Hidden>;
// CHECK:      void serialize(Archive& jsgen_archive, ::deep::Outer::Open& jsgen_value) {
// CHECK-NEXT:   jsgen_archive(jsgen_value.shown, jsgen_value.*jsgen_member(::jsgen_member_0_1{}));
// CHECK:      void serialize(Archive& jsgen_archive, typename decltype(jsgen_type(::jsgen_type_1{}))::type& jsgen_value) {
// CHECK-NEXT:   jsgen_archive(jsgen_value.depth);
// CHECK:      void serialize(Archive& jsgen_archive, ::deep::Outer& jsgen_value) {
