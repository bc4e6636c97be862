// A misspelt sweep attribute gets the nearest name, like every stage kind.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <cstdint>

namespace typo {
[[jobstream::job]] double twice(double x) { return 2 * x; }
[[jobstream::swep]] double trial(double p, std::uint64_t t) { return p + static_cast<double>(t); }
// CHECK: diag_unknown_attribute_sweep.cpp:[[@LINE-1]]:3: error: unknown jobstream attribute 'jobstream::swep'; did you mean 'jobstream::sweep'?
}  // namespace typo
