// Init stages come first: they all feed the first other stage.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace late {
[[jobstream::init]] int first() { return 1; }
[[jobstream::job]] int twice(int n) { return 2 * n; }
[[jobstream::init]] int second() { return 2; }
// CHECK: diag_init_after_job.cpp:[[@LINE-1]]:3: error: init stage 'late::second' comes after a stage that is not init; init stages must come first in the pipeline
// CHECK: diag_init_after_job.cpp:[[@LINE-3]]:3: note: the first non-init stage 'late::twice' is here
}  // namespace late
