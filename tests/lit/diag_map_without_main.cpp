// map is for a program's own main(): a program with map calls, no pipeline
// and no main() is an error at the first call.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
// RUN: %jsgen --no-main %s %jsgen_flags | FileCheck %s --check-prefix=LIBRARY
#include <jobstream/jobstream.hpp>

#include <vector>

namespace lib {
[[jobstream::job]] double half(int n) { return n / 2.0; }

std::vector<double> halves(std::vector<int> items) { return jobstream::map(half, std::move(items)); }
// CHECK: diag_map_without_main.cpp:[[@LINE-1]]:76: error: this program maps 'lib::half' with jobstream::map, but no source defines main(); jobstream::map is called from a program's own main() (or code it calls)
// LIBRARY: MapRegistration<&::lib::half> jsgen_map_0{"lib::half", "int", "double"};
}  // namespace lib
