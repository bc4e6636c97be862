// A reduce inside a frame body closes a region of that body: it recurs to the
// body's first stage, and the stage after its emit starts the body's next
// region, where the frame_end is not (it belongs to the scope around).
// RUN: %jsgen --dump-model %s %jsgen_flags 2>/dev/null | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <ostream>
#include <span>

namespace inside {

struct Round {
  // Printed by the default printer.
  friend std::ostream& operator<<(std::ostream& out, const Round&) { return out << "Round"; }
  int rounds = 0;
};
struct Max {
  int best = 0;
};

[[jobstream::frame]] jobstream::Multiple<int> rounds(Round& store, int first) {
  if (store.rounds++ == 3) return {};
  return {first, first + 1};
}
// CHECK-LABEL: stage 0 frame inside::rounds
// CHECK:         pairs with 5
// CHECK-NEXT:    recurs to 1

[[jobstream::job]] int square(int n) { return n * n; }
// CHECK-LABEL: stage 1 job inside::square
// CHECK:         scope frame 0 region 1

[[jobstream::reduce]] void best(Max& store, std::span<const int> inputs, std::span<const Max> others) {
  for (int n : inputs) store.best = n > store.best ? n : store.best;
  for (const Max& o : others) store.best = o.best > store.best ? o.best : store.best;
}
// CHECK-LABEL: stage 2 reduce inside::best
// CHECK:         store Max [::inside::Max]
// CHECK-NEXT:    scope frame 0 region 1
// CHECK-NEXT:    recurs to 1
// CHECK-NEXT:    leaves long [long]

[[jobstream::emit]] long bestOf(const Max& store) { return store.best; }
// CHECK-LABEL: stage 3 emit inside::bestOf
// CHECK:         scope frame 0 region 1

[[jobstream::job]] long twice(long n) { return 2 * n; }
// CHECK-LABEL: stage 4 job inside::twice
// CHECK:         scope frame 0 region 4

[[jobstream::frame_end]] void done(Round& store, long next) { (void)store, (void)next; }
// CHECK-LABEL: stage 5 frame_end inside::done
// CHECK:         scope top region 0
// CHECK-NEXT:    pairs with 0
// CHECK-NEXT:    recurs to 1
// CHECK-NEXT:    leaves Round [::inside::Round]

}  // namespace inside

// CHECK: type ::inside::Round generate
// CHECK: type ::inside::Max generate
