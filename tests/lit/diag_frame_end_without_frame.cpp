// A frame_end must close a frame above it.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace stray {
struct Count {
  int n = 0;
};
[[jobstream::job]] int body(int n) { return n; }
[[jobstream::frame_end]] void close(Count& store, int next) { store.n += next; }
// CHECK: diag_frame_end_without_frame.cpp:[[@LINE-1]]:3: error: frame_end stage 'stray::close' closes no frame; put a {{\[\[}}jobstream::frame]] stage above the frame body
}  // namespace stray
