// A function template of the stage's name is an overload too: for an
// lvalue item it would even be the better match.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace sizes {
[[jobstream::job]] int twice(const int& n) { return 2 * n; }
// CHECK: diag_overloaded_template.cpp:[[@LINE-1]]:24: error: stage 'sizes::twice' is overloaded; generated code calls a stage by its qualified name, so it must be the only 'twice' in its namespace: rename the stage or the other declaration
// CHECK: diag_overloaded_template.cpp:[[@LINE+1]]:24: note: other declaration of 'twice' is here
template <class T> int twice(T& value) { return static_cast<int>(sizeof value); }
[[jobstream::result]] void show(int n) { (void)n; }
}  // namespace sizes
