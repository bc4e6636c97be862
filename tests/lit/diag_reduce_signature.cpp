// A reduce is R f(Store&, std::span<const In>, std::span<const Store>): the
// store by non-const reference (a fix-it adds the '&'), the inputs as a span
// of what the stage above produces, named as the concrete type.
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
[[jobstream::reduce]] void two(Total& store, std::span<const int> in) { (void)store, (void)in; }
// CHECK: diag_reduce_signature.cpp:[[@LINE-1]]:28: error: reduce stage 'shapes::two' takes 2 parameters; a reduce is 'R f(Store&, std::span<const In> inputs, std::span<const Store> others)'
}  // namespace shapes

// The inputs as a vector: In is what the job above produces.
namespace fed {
struct Total {
  long sum = 0;
};
[[jobstream::job]] long widen(int n) { return n; }
[[jobstream::reduce]] void add(Total& store, const std::vector<int>& in, std::span<const Total> others) {
  (void)store, (void)in, (void)others;
}
// CHECK: diag_reduce_signature.cpp:[[@LINE-3]]:46: error: reduce stage 'fed::add' takes its inputs as 'const std::vector<int> &'; it takes them as 'std::span<const long>'
// CHECK: diag_reduce_signature.cpp:[[@LINE-5]]:20: note: 'fed::widen' produces 'long' here
}  // namespace fed

// The pipeline's first stage: In is what the parameter holds.
namespace first {
struct Total {
  long sum = 0;
};
[[jobstream::reduce]] void add(Total& store, std::span<double> in, std::span<const Total> others) {
  (void)store, (void)in, (void)others;
}
// CHECK: diag_reduce_signature.cpp:[[@LINE-3]]:46: error: reduce stage 'first::add' takes its inputs as 'std::span<double>'; it takes them as 'std::span<const double>'
// CHECK-NOT: note:
}  // namespace first
