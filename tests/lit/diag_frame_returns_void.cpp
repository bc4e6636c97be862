// A frame that returns void never puts work into its body: the body and the
// frame_end would never run.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace silent {
struct Count {
  int n = 0;
};
[[jobstream::frame]] void loop(Count& store, int first) { store.n = first; }
// CHECK: diag_frame_returns_void.cpp:[[@LINE-1]]:22: error: frame stage 'silent::loop' returns void, so its body and frame_end 'silent::close' would never run; a frame returns std::optional<T> or jobstream::Multiple<T>: work for the body, or nothing to end the instance
[[jobstream::job]] int body(int n) { return n; }
[[jobstream::frame_end]] void close(Count& store, int next) { store.n += next; }
// CHECK: diag_frame_returns_void.cpp:[[@LINE-1]]:3: note: 'silent::close' closes the frame here
// CHECK-NOT: error:
// CHECK: 1 error generated.
}  // namespace silent
