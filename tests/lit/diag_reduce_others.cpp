// `others` are partial stores of the same reduction: std::span<const Store>.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <span>

namespace others {
struct Total {
  long sum = 0;
};
[[jobstream::reduce]] void add(Total& store, std::span<const int> in, std::span<const long> partial) {
  for (int n : in) store.sum += n;
  for (long o : partial) store.sum += o;
}
// CHECK: diag_reduce_others.cpp:[[@LINE-4]]:71: error: reduce stage 'others::add' merges others of type 'long' but its store is 'Total'; the others are partial stores of the same reduction: 'std::span<const Total>'
// CHECK: diag_reduce_others.cpp:[[@LINE-5]]:32: note: the store is 'Total' here
}  // namespace others
