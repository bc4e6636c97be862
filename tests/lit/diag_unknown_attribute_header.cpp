// A misspelt attribute in an included header (a stage group's, say) would
// drop a stage as silently as one in the source: it is reported there. A
// system header (-isystem) is not read.
// RUN: not %jsgen %s %jsgen_flags -I %S/Inputs/typo_group -isystem %S/Inputs/typo_system 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include "typo_group.hpp"
#include "typo_system.hpp"

namespace uses {
using namespace jobs_typo;
[[jobstream::result]] void show(int n) { (void)n; }
}  // namespace uses
// CHECK: typo_group.hpp:6:3: error: unknown jobstream attribute 'jobstream::jbo'; did you mean 'jobstream::job'?
// CHECK-NOT: typo_system.hpp
// CHECK: 1 error generated.
