// Generated code calls a stage by its qualified name: another function of
// that name in the namespace could be chosen instead, so it is refused.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <string>

namespace sizes {
int size(const std::string& text);
[[jobstream::job]] int size(int n) { return n; }
// CHECK: diag_overloaded.cpp:[[@LINE-1]]:24: error: stage 'sizes::size' is overloaded; generated code calls a stage by its qualified name, so it must be the only 'size' in its namespace: rename the stage or the other declaration
// CHECK: diag_overloaded.cpp:[[@LINE-3]]:5: note: other declaration of 'size' is here
[[jobstream::result]] void show(int n) { (void)n; }
}  // namespace sizes
