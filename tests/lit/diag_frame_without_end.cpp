// A frame body ends at a frame_end; a frame without one is an error.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace open_frame {
struct Count {
  int n = 0;
};
[[jobstream::frame]] int loop(Count& store, int first) { return store.n++ ? 0 : first; }
// CHECK: diag_frame_without_end.cpp:[[@LINE-1]]:3: error: frame stage 'open_frame::loop' has no frame_end; a frame body ends at a {{\[\[}}jobstream::frame_end]] stage below it
[[jobstream::job]] int body(int n) { return n; }
}  // namespace open_frame
