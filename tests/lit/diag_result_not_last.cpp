// Nothing comes after a result stage.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace order {
[[jobstream::result]] void show(int n) { (void)n; }
[[jobstream::job]] int later(int n) { return n; }
// CHECK: diag_result_not_last.cpp:[[@LINE-1]]:3: error: stage 'order::later' comes after result stage 'order::show'; a pipeline ends with at most one result or finish stage
// CHECK: diag_result_not_last.cpp:[[@LINE-3]]:3: note: 'order::show' is here
}  // namespace order
