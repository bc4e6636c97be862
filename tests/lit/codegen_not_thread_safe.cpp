// [[jobstream::not_thread_safe]] beside a stage attribute, in the same
// brackets or in its own: the stage's StageDef says `.serial = true`, and a
// not-thread-safe job is never fused with the jobs around it (the runtime
// locks the stage for the whole fused loop). Compiles under strict flags.
// RUN: %jsgen --dump-model %s %jsgen_flags | FileCheck %s --check-prefix=MODEL
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --input-file=%t.cpp
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
#include <jobstream/jobstream.hpp>

#include <ostream>
#include <span>

namespace counting {

struct Total {
  // Printed by the default printer.
  friend std::ostream& operator<<(std::ostream& out, const Total&) { return out << "Total"; }
  long sum = 0;
};

[[jobstream::job]] int plusOne(int n) { return n + 1; }
[[jobstream::job, jobstream::not_thread_safe]] int logged(int n) { return n; }
[[jobstream::job]] long widen(int n) { return n; }
[[jobstream::not_thread_safe]] [[jobstream::reduce]] void add(Total& total, std::span<const long> in,
                                                              std::span<const Total> others) {
  for (long n : in) total.sum += n;
  for (const Total& o : others) total.sum += o.sum;
}

}  // namespace counting

// MODEL-LABEL: stage 0 job counting::plusOne
// MODEL-NOT:     {{^ *not_thread_safe$}}
// MODEL-LABEL: stage 1 job counting::logged
// MODEL:         {{^ *not_thread_safe$}}
// MODEL-LABEL: stage 2 job counting::widen
// MODEL-NOT:     {{^ *not_thread_safe$}}
// MODEL-LABEL: stage 3 reduce counting::add
// MODEL:         {{^ *not_thread_safe$}}

// Each job runs alone: no stage calls the one after it.
// CHECK-LABEL: void process_0(
// CHECK:         ::counting::plusOne(
// CHECK-NOT:     ::counting::logged(
// CHECK-LABEL: void process_1(
// CHECK:         ::counting::logged(
// CHECK-NOT:     ::counting::widen(
// CHECK-LABEL: void process_2(
// CHECK-LABEL: kStages[] = {
// CHECK-NEXT:  .name = "counting::plusOne", {{.*}}, .serial = false,
// CHECK-NEXT:  .name = "counting::logged", {{.*}}, .serial = true,
// CHECK-NEXT:  .name = "counting::widen", {{.*}}, .serial = false,
// CHECK-NEXT:  .name = "counting::add", {{.*}}, .serial = true,
