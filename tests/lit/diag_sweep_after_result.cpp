// A sweep after the result stage would never receive an item: the rule
// "nothing after result or finish" names it as a stage like any other.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <cstdint>

namespace late {
[[jobstream::result]] void show(double x) { (void)x; }
[[jobstream::sweep]] double trial(double p, std::uint64_t t) { return p + static_cast<double>(t); }
// CHECK: diag_sweep_after_result.cpp:[[@LINE-1]]:3: error: stage 'late::trial' comes after result stage 'late::show'; a pipeline ends with at most one result or finish stage
// CHECK: diag_sweep_after_result.cpp:[[@LINE-3]]:3: note: 'late::show' is here
}  // namespace late
