// Two top-level reductions: the first recurs to the pipeline's first stage
// (itself, here) and lets its store leave; the job after it starts the second
// region, where the second reduce recurs.
// RUN: %jsgen --dump-model %s %jsgen_flags 2>/dev/null | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <optional>
#include <ostream>
#include <span>

namespace twice {

struct Total {
  long sum = 0;
};
struct Count {
  // Printed by the default printer.
  friend std::ostream& operator<<(std::ostream& out, const Count&) { return out << "Count"; }
  int n = 0;
};

[[jobstream::reduce]] std::optional<int> add(Total& store, std::span<const int> inputs,
                                             std::span<const Total> others) {
  for (int n : inputs) store.sum += n;
  for (const Total& o : others) store.sum += o.sum;
  return std::nullopt;
}
// CHECK-LABEL: stage 0 reduce twice::add
// CHECK:         input int [int]
// CHECK-NEXT:    returns optional 'std::optional<int>' item int [int]
// CHECK-NEXT:    store Total [::twice::Total]
// CHECK-NEXT:    scope top region 0
// CHECK-NEXT:    recurs to 0
// CHECK-NEXT:    leaves Total [::twice::Total]

[[jobstream::job]] long half(const Total& total) { return total.sum / 2; }
// CHECK-LABEL: stage 1 job twice::half
// CHECK:         input Total [::twice::Total]
// CHECK:         scope top region 1

[[jobstream::reduce]] void count(Count& store, std::span<const long> inputs,
                                 std::span<const Count> others) {
  store.n += static_cast<int>(inputs.size());
  for (const Count& o : others) store.n += o.n;
}
// CHECK-LABEL: stage 2 reduce twice::count
// CHECK:         input long [long]
// CHECK:         store Count [::twice::Count]
// CHECK-NEXT:    scope top region 1
// CHECK-NEXT:    recurs to 1
// CHECK-NEXT:    leaves Count [::twice::Count]

}  // namespace twice

// CHECK: type ::twice::Total generate
// CHECK: type ::twice::Count generate
