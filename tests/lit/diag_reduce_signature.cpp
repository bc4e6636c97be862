// A reduce is R f(Store&, std::span<const In>, std::span<const Store>): the
// store by non-const reference (a fix-it adds the '&'), the inputs as a span.
// RUN: not %jsgen %s %jsgen_flags -fdiagnostics-parseable-fixits 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <span>
#include <vector>

namespace shapes {
struct Total {
  long sum = 0;
};
[[jobstream::reduce]] void byValue(Total store, std::span<const int> in, std::span<const Total> others) {
  (void)store, (void)in, (void)others;
}
// CHECK: diag_reduce_signature.cpp:[[@LINE-3]]:36: error: reduce stage 'shapes::byValue' takes its store as 'Total'; it takes it as 'Total&', the store it updates
// CHECK: fix-it:"{{.*}}diag_reduce_signature.cpp":{[[@LINE-4]]:41-[[@LINE-4]]:41}:"&"
[[jobstream::reduce]] void vector(Total& store, const std::vector<int>& in, std::span<const Total> others) {
  (void)store, (void)in, (void)others;
}
// CHECK: diag_reduce_signature.cpp:[[@LINE-3]]:49: error: reduce stage 'shapes::vector' takes its inputs as 'const std::vector<int> &'; it takes them as 'std::span<const In>'
[[jobstream::reduce]] void two(Total& store, std::span<const int> in) { (void)store, (void)in; }
// CHECK: diag_reduce_signature.cpp:[[@LINE-1]]:28: error: reduce stage 'shapes::two' takes 2 parameters; a reduce is 'R f(Store&, std::span<const In> inputs, std::span<const Store> others)'
}  // namespace shapes
