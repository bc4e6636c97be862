// Only an init returns jobstream::Lazy<T>: its items are drawn after the
// stage returned, and a resumed run calls the stage again to rebuild them.
// Any other stage that returns one is refused, with jobstream::Multiple<T>
// as the fix.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
// RUN: not %jsgen %s %jsgen_flags -fdiagnostics-parseable-fixits 2>&1 | FileCheck %s --check-prefix=FIXIT
#include <jobstream/jobstream.hpp>

#include <ranges>
#include <span>

namespace spread {
struct Count {
  int n = 0;
};

[[jobstream::job]] jobstream::Lazy<int> upTo(int n) { return std::views::iota(0, n); }
// CHECK: diag_lazy_not_init.cpp:[[@LINE-1]]:20: error: job stage 'spread::upTo' returns jobstream::Lazy<int>, which only an init stage can return; return jobstream::Multiple<int> to make several items at once
// FIXIT: fix-it:"{{.*}}diag_lazy_not_init.cpp":{[[@LINE-2]]:20-[[@LINE-2]]:40}:"jobstream::Multiple<int>"
[[jobstream::frame]] jobstream::Lazy<int> rounds(Count& store, const int& first) {
  return std::views::iota(store.n, first);
}
// CHECK: diag_lazy_not_init.cpp:[[@LINE-3]]:22: error: frame stage 'spread::rounds' returns jobstream::Lazy<int>, which only an init stage can return
[[jobstream::frame_end]] void close(Count& store, const int& next) { store.n += next; }
[[jobstream::reduce]] jobstream::Lazy<int> add(int& sum, std::span<const int> in, std::span<const int> others) {
  for (int x : in) sum += x;
  for (int x : others) sum += x;
  return std::views::iota(0, 0);
}
// CHECK: diag_lazy_not_init.cpp:[[@LINE-5]]:23: error: reduce stage 'spread::add' returns jobstream::Lazy<int>, which only an init stage can return
// CHECK-NOT: error:
// CHECK: 3 errors generated.
}  // namespace spread
