// Stages the preprocessor skipped make no pipeline; the note shows one.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
// CHECK: diag_no_pipeline_skipped.cpp:1:1: error: no jobstream pipeline in this file
#include <jobstream/jobstream.hpp>

namespace nothing {
#if 0
[[jobstream::job]] int twice(int n) { return 2 * n; }
// CHECK: diag_no_pipeline_skipped.cpp:[[@LINE-1]]:3: note: 'jobstream::job' here marks no stage: the preprocessor skipped it, or it is in a stage group that no pipeline splices
#endif
}  // namespace nothing
