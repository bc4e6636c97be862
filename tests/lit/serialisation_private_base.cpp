// A public base goes through cereal::base_class; a private or protected one
// through a C-style cast, the one conversion allowed to name an inaccessible
// base ([expr.cast]), with -Wold-style-cast silenced around it only.
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --input-file=%t.cpp
// RUN: %cxx_gcc_text -Wold-style-cast %t.cpp
// RUN: %cxx_clang_text -Wold-style-cast %t.cpp
#include <jobstream/jobstream.hpp>

#include <ostream>
#include <string>

namespace kin {
struct Named {
  std::string name;
};
class Counted {
  long count_ = 0;
};
class Item : public Named, private Counted {
  int weight_ = 0;
};
class Box : protected Named {
  // Printed by the default printer.
  friend std::ostream& operator<<(std::ostream& out, const Box&) { return out << "Box"; }
 public:
  int size = 0;
};

[[jobstream::job]] Item item(int) { return {}; }
[[jobstream::job]] Box box(const Item&) { return {}; }
}  // namespace kin

// CHECK:      #pragma GCC diagnostic push
// CHECK-NEXT: #pragma GCC diagnostic ignored "-Wold-style-cast"
// CHECK-NEXT: template <class Archive>
// CHECK-NEXT: void serialize(Archive& jsgen_archive, ::kin::Item& jsgen_value) {
// CHECK-NEXT:   jsgen_archive(::cereal::base_class<::kin::Named>(&jsgen_value), *(::kin::Counted*)(&jsgen_value), jsgen_value.*jsgen_member(::jsgen_member_2_0{}));
// CHECK-NEXT: }
// CHECK-NEXT: #pragma GCC diagnostic pop
// CHECK:      void serialize(Archive& jsgen_archive, ::kin::Box& jsgen_value) {
// CHECK-NEXT:   jsgen_archive(*(::kin::Named*)(&jsgen_value), jsgen_value.size);
