// Stage groups that splice each other in a circle would never end: an error
// at the using-directive that closes the cycle, naming it, reported once.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s --implicit-check-not=error:
#include <jobstream/jobstream.hpp>

namespace jobs_b {}

namespace jobs_a {
[[jobstream::job]] int inc(int n) { return n + 1; }
using namespace jobs_b;
}  // namespace jobs_a

namespace jobs_b {
[[jobstream::job]] int dbl(int n) { return 2 * n; }
using namespace jobs_a;
// CHECK: group_cycle.cpp:[[@LINE-1]]:1: error: stage groups splice each other in a cycle: jobs_a -> jobs_b -> jobs_a; remove one of these using-directives
}  // namespace jobs_b

namespace cycle {
using namespace jobs_a;
}  // namespace cycle
