// After a lambda's parameters, the attribute would mark the lambda's type;
// Clang refuses it, and jsgen stops there.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace lambdas {
inline auto twice = [](int n) [[jobstream::job]] { return 2 * n; };
// CHECK: diag_lambda_type.cpp:[[@LINE-1]]:33: error: 'job' attribute cannot be applied to types
[[jobstream::result]] void show(int n) { (void)n; }
}  // namespace lambdas
