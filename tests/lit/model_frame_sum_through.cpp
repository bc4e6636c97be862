// The seed's sumThrough in the contract's form (frame, job returning
// Multiple, frame_end, result): the frame pairs with its frame_end, both recur
// into the body's first stage, and the store leaves the frame_end.
// RUN: %jsgen --dump-model %s %jsgen_flags 2>/dev/null | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <iostream>
#include <optional>

namespace sums {

struct Sum {
  int first = 0;
  int value = 0;
  bool started = false;
};

[[jobstream::frame]] std::optional<int> sumThrough(Sum& store, const int& first) {
  if (store.started) return std::nullopt;
  store = {first, 0, true};
  return first;
}
// CHECK-LABEL: stage 0 frame sums::sumThrough
// CHECK:         input int [int]
// CHECK-NEXT:    returns optional 'std::optional<int>' item int [int]
// CHECK-NEXT:    store Sum [::sums::Sum]
// CHECK-NEXT:    scope top region 0
// CHECK-NEXT:    pairs with 2
// CHECK-NEXT:    recurs to 1
// CHECK-NOT:     leaves

[[jobstream::job]] jobstream::Multiple<int> countTo(int w) {
  jobstream::Multiple<int> out;
  for (int i = 1; i <= w; ++i) out.push_back(i);
  return out;
}
// CHECK-LABEL: stage 1 job sums::countTo
// CHECK:         scope frame 0 region 1

[[jobstream::frame_end]] void handleNext(Sum& store, int next) { store.value += next; }
// CHECK-LABEL: stage 2 frame_end sums::handleNext
// CHECK:         input int [int]
// CHECK-NEXT:    returns void 'void'
// CHECK-NEXT:    store Sum [::sums::Sum]
// CHECK-NEXT:    scope top region 0
// CHECK-NEXT:    pairs with 0
// CHECK-NEXT:    recurs to 1
// CHECK-NEXT:    leaves Sum [::sums::Sum]

[[jobstream::result]] void printMatchup(const Sum& s) { std::cout << s.first << ": " << s.value << '\n'; }
// CHECK-LABEL: stage 3 result sums::printMatchup
// CHECK:         input Sum [::sums::Sum]
// CHECK:         scope top region 0

}  // namespace sums

// CHECK:      type ::sums::Sum generate
// CHECK-NEXT:   scope sums
// CHECK-NEXT:   field first
