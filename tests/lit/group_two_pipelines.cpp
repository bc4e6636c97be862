// One stage group spliced into two pipelines of one source, one of them
// through a namespace alias; and into a pipeline of another source that
// includes the same header. Each pipeline gets its own copy of the stages.
// RUN: %jsgen --dump-model %s %S/Inputs/group_other_source.cpp %jsgen_flags -I %S/Inputs | FileCheck %s
// RUN: %jsgen --no-main %s %S/Inputs/group_other_source.cpp -o %t.cpp %jsgen_flags -I %S/Inputs
// RUN: %cxx_gcc -I %S/Inputs %t.cpp
#include "group_text.hpp"

namespace first {
using namespace lib::jobs_text;
[[jobstream::result]] void show(long n) { (void)n; }
}  // namespace first

namespace text = lib::jobs_text;
namespace second {
using namespace text;
}  // namespace second

// CHECK:      pipeline first in {{.*}}group_two_pipelines.cpp
// CHECK-NEXT:   stage 0 job lib::jobs_text::length
// CHECK:        stage 1 job lib::jobs_text::twice
// CHECK:        stage 2 result first::show
// CHECK:      pipeline second in {{.*}}group_two_pipelines.cpp
// CHECK-NEXT:   stage 0 job lib::jobs_text::length
// CHECK:        stage 1 job lib::jobs_text::twice
// CHECK-NOT:    stage 2
// CHECK:      pipeline other in {{.*}}group_other_source.cpp
// CHECK-NEXT:   stage 0 job lib::jobs_text::length
// CHECK:        stage 1 job lib::jobs_text::twice
// CHECK:        stage 2 job other::half
