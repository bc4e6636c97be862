// At most 8 stages are fused into one loop: ten jobs make two segments,
// stages 0-7 and 8-9, so stage 0's loop hands its items to stage 8.
// RUN: %jsgen %s %jsgen_flags | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace chain {
[[jobstream::job]] int s0(int n) { return n + 0; }
[[jobstream::job]] int s1(int n) { return n + 1; }
[[jobstream::job]] int s2(int n) { return n + 2; }
[[jobstream::job]] int s3(int n) { return n + 3; }
[[jobstream::job]] int s4(int n) { return n + 4; }
[[jobstream::job]] int s5(int n) { return n + 5; }
[[jobstream::job]] int s6(int n) { return n + 6; }
[[jobstream::job]] int s7(int n) { return n + 7; }
[[jobstream::job]] int s8(int n) { return n + 8; }
[[jobstream::job]] int s9(int n) { return n + 9; }
}  // namespace chain

// CHECK-LABEL: void process_0(
// CHECK:         ::jobstream::detail::Output<int> out(emitter, 8);
// CHECK:         auto r6 = ::chain::s6(std::move(r5));
// CHECK-NEXT:    emitter.current = 7;
// CHECK-NEXT:    out.push(::chain::s7(std::move(r6)));
// CHECK-LABEL: void process_7(
// CHECK:         ::jobstream::detail::Output<int> out(emitter, 8);
// CHECK-LABEL: void process_8(
// CHECK:         ::jobstream::detail::Output<int> out(emitter, 10);
// CHECK:         auto r8 = ::chain::s8(std::move(items[i]));
// CHECK-NEXT:    emitter.current = 9;
// CHECK-NEXT:    out.push(::chain::s9(std::move(r8)));
// CHECK:       StageKind::print
