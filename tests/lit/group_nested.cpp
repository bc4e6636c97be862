// Stage groups splice other groups: the inner group's stages appear where
// the outer group splices it, and take the inner group's name.
// RUN: %jsgen --dump-model %s %jsgen_flags | FileCheck %s
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: %cxx_gcc %t.cpp
#include <jobstream/jobstream.hpp>

namespace jobs_inner {
[[jobstream::job]] int inc(int n) { return n + 1; }
}  // namespace jobs_inner

namespace jobs_outer {
[[jobstream::job]] int dbl(int n) { return 2 * n; }
using namespace jobs_inner;
[[jobstream::job]] int neg(int n) { return -n; }
}  // namespace jobs_outer

namespace nested {
using namespace jobs_outer;
using namespace std;  // not a stage group: nothing spliced
[[jobstream::result]] void show(int n) { (void)n; }
}  // namespace nested

// CHECK:      pipeline nested in
// CHECK-NEXT:   stage 0 job jobs_outer::dbl
// CHECK:          group jobs_outer
// CHECK:        stage 1 job jobs_inner::inc
// CHECK:          group jobs_inner
// CHECK:        stage 2 job jobs_outer::neg
// CHECK:          group jobs_outer
// CHECK:        stage 3 result nested::show
// CHECK-NOT:  pipeline
