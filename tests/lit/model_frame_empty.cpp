// An empty frame body: what the frame returns goes straight to its frame_end,
// which is also where the frame_end's own returns recur.
// RUN: %jsgen --dump-model %s %jsgen_flags 2>/dev/null | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <optional>

namespace empty {

struct Steps {
  int taken = 0;
};

[[jobstream::job]] int start(int n) { return n; }

[[jobstream::frame]] std::optional<int> loop(Steps& store, int first) {
  if (store.taken >= first) return std::nullopt;
  return store.taken;
}
// CHECK-LABEL: stage 1 frame empty::loop
// CHECK:         input int [int]
// CHECK:         scope top region 0
// CHECK-NEXT:    pairs with 2
// CHECK-NEXT:    recurs to 2

[[jobstream::frame_end]] std::optional<int> step(Steps& store, int next) {
  ++store.taken;
  return next < 3 ? std::optional<int>(next + 1) : std::nullopt;
}
// CHECK-LABEL: stage 2 frame_end empty::step
// CHECK:         input int [int]
// CHECK:         scope top region 0
// CHECK-NEXT:    pairs with 1
// CHECK-NEXT:    recurs to 2
// CHECK-NEXT:    leaves int [int]

[[jobstream::emit]] int taken(const Steps& store) { return store.taken; }
// CHECK-LABEL: stage 3 emit empty::taken
// CHECK:         store Steps [::empty::Steps]
// CHECK-NEXT:    scope top region 0

}  // namespace empty
