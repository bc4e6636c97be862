// A stage whose item is a raw pointer: the error is at the stage itself.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace raw {
[[jobstream::job]] int deref(const int* p) { return *p; }
// CHECK: diag_serialise_item_pointer.cpp:[[@LINE-1]]:24: error: item type 'const int *' cannot travel between stages: it is a raw pointer, which means nothing in another process; pass the value it points to
}  // namespace raw
// CHECK: 1 error generated.
