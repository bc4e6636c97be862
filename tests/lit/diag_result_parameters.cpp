// A result stage takes exactly one parameter: the item.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace results {
[[jobstream::job]] int twice(int n) { return 2 * n; }
[[jobstream::result]] void show(int n, int m) { (void)n, (void)m; }
// CHECK: diag_result_parameters.cpp:[[@LINE-1]]:28: error: result stage 'results::show' takes 2 parameters; it takes exactly one (the item)
}  // namespace results
