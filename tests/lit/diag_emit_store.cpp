// An emit reads the store of the reduce or frame_end right above it.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <span>

namespace reads {
struct Total {
  long sum = 0;
};
struct Mean {
  double sum = 0;
};
[[jobstream::reduce]] void add(Total& store, std::span<const int> in, std::span<const Total> others) {
  for (int n : in) store.sum += n;
  for (const Total& o : others) store.sum += o.sum;
}
[[jobstream::emit]] double value(const Mean& m) { return m.sum; }
// CHECK: diag_emit_store.cpp:[[@LINE-1]]:34: error: emit stage 'reads::value' takes 'Mean' but the store of reduce stage 'reads::add' above it is 'Total'
// CHECK: diag_emit_store.cpp:[[@LINE-6]]:32: note: 'reads::add' keeps a 'Total' here
}  // namespace reads
