// A stage group spliced where its types do not fit: the error is at the
// group's stage, and a note says where the group was spliced.
// RUN: not %jsgen %s %jsgen_flags -I %S/Inputs 2>&1 | FileCheck %s
#include "group_text.hpp"

namespace numbers {
[[jobstream::job]] int square(int n) { return n * n; }
using namespace lib::jobs_text;
[[jobstream::result]] void show(long n) { (void)n; }
}  // namespace numbers

// CHECK:      group_text.hpp:10:{{[0-9]+}}: error: stage 'lib::jobs_text::length' takes 'std::string' but 'numbers::square' before it produces 'int'
// CHECK:      group_mismatch.cpp:7:20: note: 'numbers::square' produces 'int' here
// CHECK:      group_mismatch.cpp:8:1: note: in stage group 'lib::jobs_text' spliced here
