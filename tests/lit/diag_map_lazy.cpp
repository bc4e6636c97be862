// A job returning jobstream::Lazy<T> cannot be mapped (a map keeps one value
// per item), and cannot be a stage (only an init returns Lazy).
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <ranges>
#include <vector>

namespace fans {
[[jobstream::job]] jobstream::Lazy<int> upTo(int n) { return std::views::iota(0, n); }
// CHECK: diag_map_lazy.cpp:[[@LINE-1]]:20: error: job stage 'fans::upTo' returns jobstream::Lazy<int>, which only an init stage can return
}  // namespace fans

int main() {
  auto out = jobstream::map(fans::upTo, {1, 2});
  // CHECK: diag_map_lazy.cpp:[[@LINE-1]]:29: error: 'fans::upTo' returns jobstream::Lazy<int>, which makes items for a next stage; jobstream::map keeps one value per item: return std::vector<int> instead
  // CHECK: diag_map_lazy.cpp:[[@LINE-7]]:41: note: 'fans::upTo' is declared here
  // CHECK: 2 errors generated.
  return static_cast<int>(out.size());
}
