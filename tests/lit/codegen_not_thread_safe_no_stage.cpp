// The not-thread-safe marker says how a stage runs: on a function that is no
// stage it would mean nothing, so it is an error.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s --implicit-check-not=error:
#include <jobstream/jobstream.hpp>

namespace helpers {

[[jobstream::not_thread_safe]] int helper(int n) { return n; }
// CHECK: codegen_not_thread_safe_no_stage.cpp:[[@LINE-1]]:3: error: 'jobstream::not_thread_safe' marks 'helpers::helper', which is not a stage; put it beside a stage attribute such as {{\[\[}}jobstream::job]]

[[jobstream::job]] int stage(int n) { return helper(n); }

}  // namespace helpers
