// An emit is Out f(const Store&): one parameter, and it returns what leaves.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <span>

namespace shapes {
struct Total {
  long sum = 0;
};
[[jobstream::reduce]] void add(Total& store, std::span<const int> in, std::span<const Total> others) {
  for (int n : in) store.sum += n;
  for (const Total& o : others) store.sum += o.sum;
}
[[jobstream::emit]] void show(const Total& t, int extra) { (void)t, (void)extra; }
// CHECK: diag_emit_signature.cpp:[[@LINE-1]]:26: error: emit stage 'shapes::show' takes 2 parameters; an emit is 'Out f(const Store&)'
// CHECK: diag_emit_signature.cpp:[[@LINE-2]]:21: error: emit stage 'shapes::show' returns void; an emit returns the item that leaves the reduce or frame above it (without an emit, the store leaves)
}  // namespace shapes
