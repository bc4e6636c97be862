// A static member function is refused too: a pipeline is a namespace.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace shapes {
struct Square {
  [[jobstream::job]] static int area(int side) { return side * side; }
// CHECK: diag_static_member.cpp:[[@LINE-1]]:33: error: stage 'shapes::Square::area' is a member function; a jobstream stage must be a function at namespace scope
};
}  // namespace shapes
