// What an init makes must be what the first other stage takes.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <string>

namespace seeds {
[[jobstream::init]] jobstream::Multiple<int> numbers() { return {1, 2}; }
[[jobstream::job]] int length(const std::string& s) { return static_cast<int>(s.size()); }
// CHECK: diag_init_output.cpp:[[@LINE-1]]:31: error: stage 'seeds::length' takes 'std::string' but 'seeds::numbers' before it produces 'int'
// CHECK: diag_init_output.cpp:[[@LINE-3]]:21: note: 'seeds::numbers' produces 'int' here
}  // namespace seeds
