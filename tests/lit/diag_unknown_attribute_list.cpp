// A misspelt name in a list of attributes is found too, after a correct one.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace typos {
[[jobstream::job, jobstream::jbo]] int twice(int n) { return 2 * n; }
// CHECK: diag_unknown_attribute_list.cpp:[[@LINE-1]]:19: error: unknown jobstream attribute 'jobstream::jbo'; did you mean 'jobstream::job'?
// CHECK: 1 error generated.
}  // namespace typos
