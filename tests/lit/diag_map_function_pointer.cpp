// jsgen prepares the functions a map call names; a pointer chosen at run
// time names none.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <vector>

namespace ops {
[[jobstream::job]] int twice(int n) { return 2 * n; }
[[jobstream::job]] int thrice(int n) { return 3 * n; }
}  // namespace ops

int main(int argc, char**) {
  int (*chosen)(int) = argc > 1 ? ops::twice : ops::thrice;
  auto out = jobstream::map(chosen, {1, 2});
  // CHECK: diag_map_function_pointer.cpp:[[@LINE-1]]:29: error: jobstream::map needs the name of a {{\[\[}}jobstream::job{{\]\]}} function here, so that jsgen can prepare it; a function pointer chosen at run time cannot be mapped
  return static_cast<int>(out.size());
}
