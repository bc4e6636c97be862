// An emit says what leaves the reduce or frame_end right above it.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace misplaced {
[[jobstream::job]] int body(int n) { return n; }
[[jobstream::emit]] double value(const int& n) { return n; }
// CHECK: diag_emit_misplaced.cpp:[[@LINE-1]]:3: error: emit stage 'misplaced::value' is not right after a reduce or frame_end; an emit says what leaves the reduce or frame_end above it
// CHECK: diag_emit_misplaced.cpp:[[@LINE-3]]:3: note: 'misplaced::body' is above it
}  // namespace misplaced
