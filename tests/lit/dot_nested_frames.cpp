// jsgen --dot: nested frames are nested clusters; a frame_end that returns
// items recurs to its frame body's first stage. Stages spliced from a stage
// group say so. With --dump-model the graph is written beside the dump.
// RUN: %jsgen --dump-model %s --dot %t.dot %jsgen_flags | FileCheck %s --check-prefix=MODEL
// RUN: FileCheck %s --input-file=%t.dot
#include <jobstream/jobstream.hpp>

#include <ostream>

namespace jobs_grow {
[[jobstream::job]] int grow(int n) { return n + 1; }
}  // namespace jobs_grow

namespace nested {
struct Outer {
  // Printed by the default printer.
  friend std::ostream& operator<<(std::ostream& out, const Outer&) { return out << "Outer"; }
  int n = 0;
};
struct Inner {
  int n = 0;
};
[[jobstream::frame]] std::optional<int> outer(Outer& o, int first) {
  if (o.n++ != 0) return std::nullopt;
  return first;
}
[[jobstream::frame]] std::optional<int> inner(Inner& i, int first) {
  if (i.n++ != 0) return std::nullopt;
  return first;
}
using namespace jobs_grow;
[[jobstream::frame_end]] std::optional<int> innerEnd(Inner& i, int next) {
  (void)i;
  if (next > 3) return std::nullopt;
  return next;
}
[[jobstream::frame_end]] void outerEnd(Outer& o, const Inner& i) { (void)o, (void)i; }
}  // namespace nested

// MODEL: pipeline nested

// CHECK:      subgraph cluster_p0_f0 {
// CHECK-NEXT:   label="frame nested::outer";
// CHECK-NEXT:   style=dashed;
// CHECK-NEXT:   p0_s0 [label="frame nested::outer
// CHECK-NEXT:   subgraph cluster_p0_f1 {
// CHECK-NEXT:     label="frame nested::inner";
// CHECK-NEXT:     style=dashed;
// CHECK-NEXT:     p0_s1 [label="frame nested::inner
// CHECK-NEXT:     p0_s2 [label="job jobs_grow::grow\nint -> int\ngroup jobs_grow"];
// CHECK-NEXT:     p0_s3 [label="frame_end nested::innerEnd
// CHECK-NEXT:   }
// CHECK-NEXT:   p0_s4 [label="frame_end nested::outerEnd
// CHECK-NEXT: }
// CHECK:      p0_s0 -> p0_s1 [style=dashed, label="recurs"];
// CHECK-NEXT: p0_s1 -> p0_s2 [style=dashed, label="recurs"];
// CHECK-NEXT: p0_s2 -> p0_s3;
// CHECK-NEXT: p0_s3 -> p0_s4;
// CHECK-NEXT: p0_s3 -> p0_s2 [style=dashed, label="recurs"];
