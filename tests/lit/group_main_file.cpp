// A stage group written in the main file is not a pipeline of its own: only
// the pipeline that splices it is generated.
// RUN: %jsgen --dump-model %s %jsgen_flags | FileCheck %s
// RUN: %jsgen %s %jsgen_flags | FileCheck %s --check-prefix=CODE
#include <jobstream/jobstream.hpp>

namespace jobs_square {
[[jobstream::job]] long square(int n) { return static_cast<long>(n) * n; }
}  // namespace jobs_square

namespace squares {
using namespace jobs_square;
[[jobstream::result]] void show(long n) { (void)n; }
}  // namespace squares

// CHECK-NOT:  pipeline jobs_square
// CHECK:      pipeline squares in
// CHECK-NEXT:   stage 0 job jobs_square::square
// CHECK:        stage 1 result squares::show
// CHECK-NOT:  pipeline

// CODE:     // Pipeline squares.
// CODE-NOT: // Pipeline
