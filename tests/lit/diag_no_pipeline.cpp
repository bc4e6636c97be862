// A source with no stage at all is an empty pipeline: an error at the file.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
// CHECK: diag_no_pipeline.cpp:1:1: error: no jobstream pipeline in this file; a pipeline is the functions of one namespace marked with stage attributes such as {{\[\[}}jobstream::job{{\]\]}}
#include <jobstream/jobstream.hpp>

namespace nothing {
int twice(int n) { return 2 * n; }
}  // namespace nothing
