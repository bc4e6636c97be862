// A misspelt `jobstream` namespace would silently drop the stage: it is an
// error that suggests the full attribute, with fix-its for both halves.
// RUN: not %jsgen %s %jsgen_flags -fdiagnostics-parseable-fixits 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace typos {
[[jobsteam::job]] int twice(int n) { return 2 * n; }
// CHECK: diag_unknown_attribute_namespace.cpp:[[@LINE-1]]:3: error: unknown attribute namespace 'jobsteam' in 'jobsteam::job'; did you mean 'jobstream::job'?
// CHECK: fix-it:"{{.*}}diag_unknown_attribute_namespace.cpp":{[[@LINE-2]]:3-[[@LINE-2]]:11}:"jobstream"
[[job_stream::job]] int thrice(int n) { return 3 * n; }
// CHECK: diag_unknown_attribute_namespace.cpp:[[@LINE-1]]:3: error: unknown attribute namespace 'job_stream' in 'job_stream::job'; did you mean 'jobstream::job'?
// CHECK: fix-it:"{{.*}}diag_unknown_attribute_namespace.cpp":{[[@LINE-2]]:3-[[@LINE-2]]:13}:"jobstream"
[[gnu::always_inline, jobstraem::reslut]] inline void show(int n) { (void)n; }
// CHECK: diag_unknown_attribute_namespace.cpp:[[@LINE-1]]:23: error: unknown attribute namespace 'jobstraem' in 'jobstraem::reslut'; did you mean 'jobstream::result'?
// CHECK: fix-it:"{{.*}}diag_unknown_attribute_namespace.cpp":{[[@LINE-2]]:23-[[@LINE-2]]:32}:"jobstream"
// CHECK: fix-it:"{{.*}}diag_unknown_attribute_namespace.cpp":{[[@LINE-3]]:34-[[@LINE-3]]:40}:"result"
// CHECK: 3 errors generated.
}  // namespace typos
