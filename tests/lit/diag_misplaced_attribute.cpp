// The attributes belong on functions; elsewhere Clang reports it.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace misplaced {
[[jobstream::job]] int limit = 3;
// CHECK: diag_misplaced_attribute.cpp:[[@LINE-1]]:3: error: 'job' attribute only applies to functions
}  // namespace misplaced
