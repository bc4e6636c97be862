// A pipeline has at most one of result and finish.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <vector>

namespace ends {
[[jobstream::job]] int twice(int n) { return 2 * n; }
[[jobstream::result]] void show(int n) { (void)n; }
[[jobstream::finish]] void all(std::vector<int> items) { (void)items; }
// CHECK: diag_result_and_finish.cpp:[[@LINE-1]]:3: error: stage 'ends::all' comes after result stage 'ends::show'; a pipeline ends with at most one result or finish stage
// CHECK: diag_result_and_finish.cpp:[[@LINE-3]]:3: note: 'ends::show' is here
}  // namespace ends
