// Frames nest: the inner frame sits in the outer body, its body's stages in
// its own scope, and each frame_end pairs with the frame it closes.
// RUN: %jsgen --dump-model %s %jsgen_flags 2>/dev/null | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <optional>
#include <ostream>

namespace nest {

struct Outer {
  // Printed by the default printer.
  friend std::ostream& operator<<(std::ostream& out, const Outer&) { return out << "Outer"; }
  int n = 0;
};
struct Inner {
  int n = 0;
};

[[jobstream::frame]] std::optional<int> outer(Outer& store, int first) {
  if (store.n++ != 0) return std::nullopt;
  return first;
}
// CHECK-LABEL: stage 0 frame nest::outer
// CHECK:         scope top region 0
// CHECK-NEXT:    pairs with 5
// CHECK-NEXT:    recurs to 1

[[jobstream::job]] int before(int n) { return n + 1; }
// CHECK-LABEL: stage 1 job nest::before
// CHECK:         scope frame 0 region 1

[[jobstream::frame]] std::optional<int> inner(Inner& store, int first) {
  if (store.n++ != 0) return std::nullopt;
  return first;
}
// CHECK-LABEL: stage 2 frame nest::inner
// CHECK:         scope frame 0 region 1
// CHECK-NEXT:    pairs with 4
// CHECK-NEXT:    recurs to 3

[[jobstream::job]] int deepest(int n) { return n * 2; }
// CHECK-LABEL: stage 3 job nest::deepest
// CHECK:         scope frame 2 region 3

[[jobstream::frame_end]] void innerEnd(Inner& store, int next) { store.n += next; }
// CHECK-LABEL: stage 4 frame_end nest::innerEnd
// CHECK:         scope frame 0 region 1
// CHECK-NEXT:    pairs with 2
// CHECK-NEXT:    recurs to 3
// CHECK-NEXT:    leaves Inner [::nest::Inner]

[[jobstream::frame_end]] void outerEnd(Outer& store, const Inner& next) { store.n += next.n; }
// CHECK-LABEL: stage 5 frame_end nest::outerEnd
// CHECK:         input Inner [::nest::Inner]
// CHECK:         scope top region 0
// CHECK-NEXT:    pairs with 0
// CHECK-NEXT:    recurs to 1
// CHECK-NEXT:    leaves Outer [::nest::Outer]

}  // namespace nest
