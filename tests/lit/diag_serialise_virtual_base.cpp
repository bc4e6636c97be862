// A virtual base would be serialised once per path to it.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <string>

namespace shapes {
struct Named {
  std::string name;
};
struct Shape : virtual Named {
// CHECK: diag_serialise_virtual_base.cpp:[[@LINE-1]]:16: error: cannot generate serialisation for 'shapes::Shape': its base 'Named' is virtual, and cereal would serialise it once per path; give 'shapes::Shape' its own serialize()
  double area = 0;
};
[[jobstream::job]] Shape shape(int) { return {}; }
// CHECK: diag_serialise_virtual_base.cpp:[[@LINE-1]]:26: note: the type travels between stages at 'shapes::shape'
}  // namespace shapes
// CHECK: 1 error generated.
