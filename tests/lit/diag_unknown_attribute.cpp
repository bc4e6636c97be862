// A misspelt jobstream attribute is an error with a suggestion and a fix-it,
// not a silently ignored attribute (which would drop the stage).
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace typos {
[[jobstream::jbo]] int twice(int n) { return 2 * n; }
// CHECK: diag_unknown_attribute.cpp:[[@LINE-1]]:3: error: unknown jobstream attribute 'jobstream::jbo'; did you mean 'jobstream::job'?
// CHECK-NEXT: [[@LINE-2]] | {{\[\[}}jobstream::jbo]] int twice
// CHECK-NEXT: | ^ ~~~
// CHECK-NEXT: | job
[[nodiscard, jobstream::xyzzy]] int thrice(int n) { return 3 * n; }
// CHECK: diag_unknown_attribute.cpp:[[@LINE-1]]:14: error: unknown jobstream attribute 'jobstream::xyzzy'; the attributes are init, job, frame, frame_end, reduce, sweep, emit, result, finish, not_thread_safe
#if 0
[[jobstream::skipped]] int never(int n) { return n; }
#endif
// CHECK-NOT: skipped
// CHECK: 2 errors generated.
}  // namespace typos
