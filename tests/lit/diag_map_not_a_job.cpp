// jobstream::map maps a [[jobstream::job]]: a plain function is an error at
// the call, with a note at the function.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <vector>

namespace plain {
int twice(int n) { return 2 * n; }
}  // namespace plain

int main() {
  std::vector<int> out = jobstream::map(plain::twice, {1, 2, 3});
  // CHECK: diag_map_not_a_job.cpp:[[@LINE-1]]:41: error: jobstream::map maps a {{\[\[}}jobstream::job{{\]\]}} function; 'plain::twice' is not marked as one
  // CHECK: diag_map_not_a_job.cpp:[[@LINE-6]]:5: note: 'plain::twice' is declared here: add {{\[\[}}jobstream::job{{\]\]}}
  return static_cast<int>(out.size());
}
