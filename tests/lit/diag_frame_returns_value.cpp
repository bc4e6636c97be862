// A frame that returns a plain T returns an item every time it is called, so
// none of its instances can end (ending takes returning nothing).
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace endless {
struct Count {
  int n = 0;
};
[[jobstream::frame]] long loop(Count& store, int first) { return store.n + first; }
// CHECK: diag_frame_returns_value.cpp:[[@LINE-1]]:22: error: frame stage 'endless::loop' returns 'long', an item on every call, so its instances never end; return std::optional<long> or jobstream::Multiple<long>, and nothing to end an instance
[[jobstream::job]] int body(long n) { return static_cast<int>(n); }
[[jobstream::frame_end]] void close(Count& store, int next) { store.n += next; }
// CHECK: diag_frame_returns_value.cpp:[[@LINE-1]]:3: note: an instance's store leaves at 'endless::close' here once the instance ends
// CHECK-NOT: error:
// CHECK: 1 error generated.
}  // namespace endless
