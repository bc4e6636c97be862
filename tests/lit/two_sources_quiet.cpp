// A target with several sources builds without a word from jsgen: no
// "[1/2] Processing file ..." per source, on success or on an error.
// RUN: %jsgen --no-main %s %S/Inputs/group_other_source.cpp -o %t.cpp %jsgen_flags -I %S/Inputs 2>&1 | count 0
// RUN: not %jsgen --no-main %s %S/Inputs/group_other_source.cpp -o %t.cpp %jsgen_flags -I %S/Inputs -DBROKEN 2>&1 | FileCheck %s
#include "group_text.hpp"

namespace quiet {
using namespace lib::jobs_text;
#ifdef BROKEN
[[jobstream::result]] void show(const std::string&) {}
#else
[[jobstream::result]] void show(long) {}
#endif
}  // namespace quiet

// CHECK-NOT:  Processing file
// CHECK:      two_sources_quiet.cpp:[[@LINE-7]]:33: error: stage 'quiet::show' takes 'std::string'
// CHECK-NOT:  Processing file
// CHECK:      1 error generated.
