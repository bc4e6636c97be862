// A job that returns void has no result to map. (The compiler says so too,
// from the template's static_assert; jsgen says it at the call.)
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <vector>

namespace voids {
[[jobstream::job]] void touch(int n) { (void)n; }
}  // namespace voids

int main() {
  jobstream::map(voids::touch, {1, 2});
  // CHECK: diag_map_void.cpp:[[@LINE-1]]:18: error: jobstream::map returns what 'voids::touch' returns for each item, but it returns void
  // CHECK: diag_map_void.cpp:[[@LINE-6]]:25: note: 'voids::touch' is declared here
  return 0;
}
