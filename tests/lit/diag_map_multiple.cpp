// A job returning jobstream::Multiple<T> makes items for a next stage; a
// map keeps one value per item, so it is refused with the fix in the text.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <vector>

namespace fans {
[[jobstream::job]] jobstream::Multiple<int> both(int n) { return {n, -n}; }
}  // namespace fans

int main() {
  auto out = jobstream::map(fans::both, {1, 2});
  // CHECK: diag_map_multiple.cpp:[[@LINE-1]]:29: error: 'fans::both' returns jobstream::Multiple<int>, which makes items for a next stage; jobstream::map keeps one value per item: return std::vector<int> instead
  // CHECK: diag_map_multiple.cpp:[[@LINE-6]]:45: note: 'fans::both' is declared here
  return static_cast<int>(out.size());
}
