// Nothing comes after a finish stage either.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <vector>

namespace order {
[[jobstream::finish]] void all(std::vector<int> items) { (void)items; }
[[jobstream::result]] void show(int n) { (void)n; }
// CHECK: diag_after_finish.cpp:[[@LINE-1]]:3: error: stage 'order::show' comes after finish stage 'order::all'; a pipeline ends with at most one result or finish stage
// CHECK: diag_after_finish.cpp:[[@LINE-3]]:3: note: 'order::all' is here
}  // namespace order
