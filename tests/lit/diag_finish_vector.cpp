// A finish stage takes every item at once, as one std::vector<T>.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace finishing {
[[jobstream::job]] int twice(int n) { return 2 * n; }
[[jobstream::finish]] void all(int n) { (void)n; }
// CHECK: diag_finish_vector.cpp:[[@LINE-1]]:32: error: finish stage 'finishing::all' takes 'int'; it takes every item at once, as a std::vector<T>
}  // namespace finishing
