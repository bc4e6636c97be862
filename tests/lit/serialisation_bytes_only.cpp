// A trivially copyable item travels as its bytes: when jsgen could not write
// its serialize (bit-fields, an anonymous union) that is no error, and nothing is generated for it. (Nested in another type it would
// need one: see diag_serialise_bitfield.cpp.)
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --input-file=%t.cpp
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
#include <jobstream/jobstream.hpp>

namespace packed {
struct Flags {
  unsigned verbose : 1;
  unsigned level : 3;
  union {
    int i;
    float f;
  };
};

[[jobstream::job]] Flags flags(int) { return Flags{1, 3, {0}}; }
[[jobstream::job]] int level(const Flags& f) { return static_cast<int>(f.level); }
}  // namespace packed

// CHECK-NOT: serialize(
