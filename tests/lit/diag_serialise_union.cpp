// A union member: which member is active is not known when jsgen runs.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <string>

namespace num {
union Bits {
  int i;
  float f;
};
struct Value {
  std::string label;
  Bits bits;
// CHECK: diag_serialise_union.cpp:[[@LINE-1]]:8: error: cannot generate serialisation for 'num::Value': member 'bits' of type 'Bits' is a union, whose active member is not known when jsgen runs; use std::variant, or give the union its own serialize()
};
[[jobstream::job]] Value value(int n) { return Value{std::to_string(n), Bits{n}}; }
// CHECK: diag_serialise_union.cpp:[[@LINE-1]]:26: note: the type travels between stages at 'num::value'
}  // namespace num
// CHECK: 1 error generated.
