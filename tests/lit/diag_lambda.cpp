// A lambda cannot be a stage: it has no name for generated code to call.
// Clang takes the attribute before the parameters as a C++23 extension and
// puts it on the call operator; jsgen refuses it there.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace lambdas {
inline auto thrice = [] [[jobstream::job]] (int n) { return 3 * n; };
// CHECK: diag_lambda.cpp:[[@LINE-1]]:27: error: 'jobstream::job' marks a lambda; a stage must be a named function at namespace scope
[[jobstream::result]] void show(int n) { (void)n; }
}  // namespace lambdas
