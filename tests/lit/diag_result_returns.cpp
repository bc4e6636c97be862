// A result stage ends the pipeline: it returns void.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace results {
[[jobstream::job]] int twice(int n) { return 2 * n; }
[[jobstream::result]] int show(int n) { return n; }
// CHECK: diag_result_returns.cpp:[[@LINE-1]]:23: error: result stage 'results::show' returns 'int'; it must return void
}  // namespace results
