// Unicode identifiers (C++ allows them) are spelled whole in generated code:
// the bytes of a UTF-8 character are part of the name they appear in.
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --input-file=%t.cpp
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
#include <jobstream/jobstream.hpp>

namespace größe {
struct Maß {
  int länge = 0;
};
[[jobstream::job]] Maß messen(int n) { return Maß{n}; }
[[jobstream::job]] int länge(const Maß& m) { return m.länge; }
}  // namespace größe

// CHECK: void serialize(Archive& jsgen_archive, ::größe::Maß& jsgen_value) {
// CHECK:   jsgen_archive(jsgen_value.länge);
// CHECK: static_cast<::jobstream::detail::Batch<::größe::Maß>&>(batch)
