// frame and frame_end are R f(Store&, const X&) (or X by value).
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace shapes {
struct Count {
  int n = 0;
};
[[jobstream::frame]] int loop(const Count& store, int first) { return store.n ? 0 : first; }
// CHECK: diag_frame_signature.cpp:[[@LINE-1]]:31: error: frame stage 'shapes::loop' takes its store as 'const Count &'; it takes it as 'Count&', the store it updates
[[jobstream::job]] int body(int n) { return n; }
[[jobstream::frame_end]] void close(Count& store) { (void)store; }
// CHECK: diag_frame_signature.cpp:[[@LINE-1]]:31: error: frame_end stage 'shapes::close' takes 1 parameter; a frame_end is 'R f(Store&, const Next&)'
}  // namespace shapes
