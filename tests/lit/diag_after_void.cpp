// A stage after one that can only return void would never run.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace voids {
[[jobstream::job]] void log(int n) { (void)n; }
[[jobstream::job]] int next(int n) { return n; }
// CHECK: diag_after_void.cpp:[[@LINE-1]]:3: error: stage 'voids::next' would never run: 'voids::log' before it returns void
// CHECK: diag_after_void.cpp:[[@LINE-3]]:20: note: 'voids::log' returns void here
}  // namespace voids
