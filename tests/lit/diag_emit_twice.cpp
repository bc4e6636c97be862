// A reduce or frame_end has at most one emit.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <span>

namespace twice {
struct Total {
  long sum = 0;
};
[[jobstream::reduce]] void add(Total& store, std::span<const int> in, std::span<const Total> others) {
  for (int n : in) store.sum += n;
  for (const Total& o : others) store.sum += o.sum;
}
[[jobstream::emit]] long sum(const Total& t) { return t.sum; }
[[jobstream::emit]] long again(const Total& t) { return t.sum; }
// CHECK: diag_emit_twice.cpp:[[@LINE-1]]:3: error: emit stage 'twice::again' follows emit stage 'twice::sum'; a reduce or frame_end has at most one emit
// CHECK: diag_emit_twice.cpp:[[@LINE-3]]:3: note: the first emit 'twice::sum' is here
}  // namespace twice
