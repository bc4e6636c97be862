// Init stages feed the first other stage: if every init returns void, that
// stage would never run. Without other stages, inits must agree on a type.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
// RUN: not %jsgen %s %jsgen_flags -DDISAGREE 2>&1 | FileCheck %s --check-prefix=DISAGREE
#include <jobstream/jobstream.hpp>

#ifndef DISAGREE
namespace quiet {
[[jobstream::init]] void setup() {}
[[jobstream::job]] int twice(int n) { return 2 * n; }
// CHECK: diag_void_inits.cpp:[[@LINE-1]]:3: error: stage 'quiet::twice' would never run: every init stage before it returns void
// CHECK: diag_void_inits.cpp:[[@LINE-3]]:21: note: 'quiet::setup' returns void here
}  // namespace quiet
#else
namespace seeds {
[[jobstream::init]] int one() { return 1; }
[[jobstream::init]] double half() { return 0.5; }
// DISAGREE: diag_void_inits.cpp:[[@LINE-1]]:21: error: init stage 'seeds::half' produces 'double' but init stage 'seeds::one' produces 'int'; all init stages feed the same stage
// DISAGREE: diag_void_inits.cpp:[[@LINE-3]]:21: note: 'seeds::one' produces 'int' here
}  // namespace seeds
#endif
