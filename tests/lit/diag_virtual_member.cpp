// A virtual member function is still a member function: not a stage.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace shapes {
struct Shape {
  virtual ~Shape() = default;
  [[jobstream::job]] virtual int area(int side) { return side * side; }
// CHECK: diag_virtual_member.cpp:[[@LINE-1]]:34: error: stage 'shapes::Shape::area' is a member function; a jobstream stage must be a function at namespace scope
};
}  // namespace shapes
