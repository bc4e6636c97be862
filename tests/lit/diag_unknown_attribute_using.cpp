// The C++17 attribute-using prefix: `[[using jobstream: job]]` marks a stage,
// and a misspelt name after it is an error at that name, with a fix-it.
// RUN: not %jsgen %s %jsgen_flags -fdiagnostics-parseable-fixits 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace typos {
[[using jobstream: job]] int twice(int n) { return 2 * n; }
[[using jobstream: reslut]] void show(int n) { (void)n; }
// CHECK: diag_unknown_attribute_using.cpp:[[@LINE-1]]:20: error: unknown jobstream attribute 'jobstream::reslut'; did you mean 'jobstream::result'?
// CHECK: fix-it:"{{.*}}diag_unknown_attribute_using.cpp":{[[@LINE-2]]:20-[[@LINE-2]]:26}:"result"
// CHECK: 1 error generated.
}  // namespace typos
