// result and finish end the pipeline: never inside a frame body.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace inside {
struct Count {
  int n = 0;
};
[[jobstream::frame]] int loop(Count& store, int first) { return store.n++ ? 0 : first; }
// CHECK: diag_result_in_frame.cpp:[[@LINE+2]]:3: error: result stage 'inside::show' is inside the body of frame 'inside::loop'; it must be the pipeline's last stage, after every frame_end
// CHECK: diag_result_in_frame.cpp:[[@LINE-2]]:3: note: the frame 'inside::loop' starts here
[[jobstream::result]] void show(int n) { (void)n; }
[[jobstream::frame_end]] void close(Count& store, int next) { store.n += next; }
}  // namespace inside
