// jsgen --dot: a frame is a dashed cluster holding the frame, its body and
// its frame_end; what a frame, a reduce and a frame_end return re-enters
// their body or region (dashed "recurs" edges); an emit follows its reduce.
// RUN: %jsgen %s -o %t.cpp --dot %t.dot %jsgen_flags
// RUN: FileCheck %s --input-file=%t.dot
#include <jobstream/jobstream.hpp>

#include <span>

namespace inside {
struct Round {
  int rounds = 0;
};
struct Max {
  int best = 0;
};
[[jobstream::frame]] jobstream::Multiple<int> rounds(Round& store, int first) {
  if (store.rounds++ == 3) return {};
  return {first, first + 1};
}
[[jobstream::job]] int square(int n) { return n * n; }
[[jobstream::reduce]] jobstream::Multiple<int> best(Max& store, std::span<const int> inputs,
                                                    std::span<const Max> others) {
  for (int n : inputs) store.best = n > store.best ? n : store.best;
  for (const Max& o : others) store.best = o.best > store.best ? o.best : store.best;
  return {};
}
[[jobstream::emit]] long bestOf(const Max& store) { return store.best; }
[[jobstream::frame_end]] void done(Round& store, long next) { (void)store, (void)next; }
[[jobstream::job, jobstream::not_thread_safe]] int count(const Round& r) { return r.rounds; }
}  // namespace inside

// CHECK:      subgraph cluster_p0 {
// CHECK:        subgraph cluster_p0_f0 {
// CHECK-NEXT:     label="frame inside::rounds";
// CHECK-NEXT:     style=dashed;
// CHECK-NEXT:     p0_s0 [label="frame inside::rounds\nint -> jobstream::Multiple<int>\nstore Round"];
// CHECK-NEXT:     p0_s1 [label="job inside::square\nint -> int"];
// CHECK-NEXT:     p0_s2 [label="reduce inside::best\nint -> jobstream::Multiple<int>\nstore Max"];
// CHECK-NEXT:     p0_s3 [label="emit inside::bestOf\nMax -> long"];
// CHECK-NEXT:     p0_s4 [label="frame_end inside::done\nlong -> void\nstore Round"];
// CHECK-NEXT:   }
// CHECK-NEXT:   p0_s5 [label="job inside::count\nRound -> int\nnot thread-safe"];
// CHECK-NEXT: }
// CHECK-NEXT: p0_s0 -> p0_s1 [style=dashed, label="recurs"];
// CHECK-NEXT: p0_s1 -> p0_s2;
// CHECK-NEXT: p0_s2 -> p0_s3;
// CHECK-NEXT: p0_s2 -> p0_s1 [style=dashed, label="recurs"];
// CHECK-NEXT: p0_s3 -> p0_s4;
// CHECK-NEXT: p0_s4 -> p0_s5;
// CHECK-NEXT: }
