// A job processes an item: it takes at least one parameter.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace jobs {
[[jobstream::job]] int nothing() { return 1; }
// CHECK: diag_job_no_parameters.cpp:[[@LINE-1]]:24: error: job stage 'jobs::nothing' takes no parameters; a job takes the item it processes
}  // namespace jobs
