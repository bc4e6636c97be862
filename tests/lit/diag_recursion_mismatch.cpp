// What a reduce, frame or frame_end returns re-enters the pipeline (the
// reduce's scope, the frame body) and must be taken there.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <optional>
#include <span>
#include <string>

namespace again {
struct Total {
  long sum = 0;
};
struct Count {
  int n = 0;
};
[[jobstream::job]] int first(int n) { return n; }
[[jobstream::reduce]] std::optional<std::string> add(Total& store, std::span<const int> in,
                                                     std::span<const Total> others) {
  for (int n : in) store.sum += n;
  for (const Total& o : others) store.sum += o.sum;
  return std::nullopt;
}
// CHECK: diag_recursion_mismatch.cpp:[[@LINE-6]]:23: error: reduce stage 'again::add' returns 'std::string', which re-enters its scope at stage 'again::first', but 'again::first' takes 'int'
// CHECK: diag_recursion_mismatch.cpp:[[@LINE-8]]:30: note: 'again::first' takes 'int' here
[[jobstream::frame]] std::optional<long> loop(Count& store, const Total& total) { if (store.n++) return std::nullopt; return total.sum; }
[[jobstream::job]] int body(long n) { return static_cast<int>(n); }
[[jobstream::frame_end]] double close(Count& store, int next) { return store.n += next; }
// CHECK: diag_recursion_mismatch.cpp:[[@LINE-1]]:26: error: frame_end stage 'again::close' returns 'double', which re-enters the frame body at stage 'again::body', but 'again::body' takes 'long'
// CHECK: diag_recursion_mismatch.cpp:[[@LINE-3]]:29: note: 'again::body' takes 'long' here
}  // namespace again
