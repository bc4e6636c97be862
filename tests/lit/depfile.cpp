// --depfile writes `OUT: SOURCE headers...` with every file the parse read,
// except the compiler's own resource headers.
// RUN: %jsgen %s -o %t.gen.cpp --depfile %t.d %jsgen_flags
// RUN: FileCheck %s --input-file=%t.d
#include <jobstream/jobstream.hpp>

#include "Inputs/depfile header.hpp"

namespace dep {
[[jobstream::job]] int twice(int n) { return depfile_header::factor * n; }
}  // namespace dep

// CHECK:      {{.*}}depfile.cpp.tmp.gen.cpp: \
// CHECK-NEXT:   {{.*}}/depfile.cpp \
// CHECK-DAG:    {{.*}}/Inputs/depfile\ header.hpp
// CHECK-DAG:    {{.*}}/jobstream/jobstream.hpp
// CHECK-DAG:    {{.*}}/jobstream/detail/batch.hpp
// CHECK-NOT:    lib/clang/19/include
