// One stage group spliced twice into one pipeline: its stages appear twice,
// each splice where its using-directive stands.
// RUN: %jsgen --dump-model %s %jsgen_flags | FileCheck %s
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: %cxx_gcc %t.cpp
#include <jobstream/jobstream.hpp>

namespace jobs_step {
[[jobstream::job]] int inc(int n) { return n + 1; }
[[jobstream::job]] int dbl(int n) { return 2 * n; }
}  // namespace jobs_step

namespace twice {
using namespace jobs_step;
[[jobstream::job]] int neg(int n) { return -n; }
using namespace jobs_step;
}  // namespace twice

// CHECK-NOT:  pipeline jobs_step
// CHECK:      pipeline twice in
// CHECK-NEXT:   stage 0 job jobs_step::inc
// CHECK:        stage 1 job jobs_step::dbl
// CHECK:        stage 2 job twice::neg
// CHECK:        stage 3 job jobs_step::inc
// CHECK:          group jobs_step
// CHECK:        stage 4 job jobs_step::dbl
// CHECK-NOT:  pipeline
