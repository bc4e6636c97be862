// The names jsgen suggests come from the attributes it registers, markers
// included.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace typos {
[[jobstream::job, jobstream::not_thread_saf]] int twice(int n) { return 2 * n; }
// CHECK: diag_unknown_attribute_marker.cpp:[[@LINE-1]]:19: error: unknown jobstream attribute 'jobstream::not_thread_saf'; did you mean 'jobstream::not_thread_safe'?
// CHECK: 1 error generated.
}  // namespace typos
