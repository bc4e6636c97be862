// An init stage makes the first items: it takes no parameters.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace seeds {
[[jobstream::init]] int start(int n) { return n; }
// CHECK: diag_init_parameters.cpp:[[@LINE-1]]:31: error: init stage 'seeds::start' takes 1 parameter; an init stage takes none
}  // namespace seeds
