// A frame and its frame_end share one store.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <optional>

namespace stores {
struct Count {
  int n = 0;
};
struct Other {
  int n = 0;
};
[[jobstream::frame]] std::optional<int> loop(Count& store, int first) { if (store.n++) return std::nullopt; return first; }
[[jobstream::job]] int body(int n) { return n; }
[[jobstream::frame_end]] void close(Other& store, int next) { store.n += next; }
// CHECK: diag_frame_end_store.cpp:[[@LINE-1]]:37: error: frame_end stage 'stores::close' keeps a 'Other' but its frame 'stores::loop' keeps a 'Count'; a frame and its frame_end share one store
// CHECK: diag_frame_end_store.cpp:[[@LINE-4]]:46: note: 'stores::loop' keeps a 'Count' here
}  // namespace stores
