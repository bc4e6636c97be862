// A reduce inside a frame body closes a region of the body: it and the stages
// above it are in the frame's region 0, its emit and the stages after it in
// region 1, and the frame_end counts the body's reduces too (region 1). What
// the emit returns goes to the stage after it; the frame_end's store goes to
// the printer at the top level, whose region the inner reduce does not count.
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --input-file=%t.cpp
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
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

[[jobstream::job]] int square(int n) { return n * n; }

[[jobstream::reduce]] void best(Max& store, std::span<const int> inputs, std::span<const Max> others) {
  for (int n : inputs) store.best = n > store.best ? n : store.best;
  for (const Max& o : others) store.best = o.best > store.best ? o.best : store.best;
}

[[jobstream::emit]] long bestOf(const Max& store) { return store.best; }

[[jobstream::job]] long twice(long n) { return 2 * n; }

[[jobstream::frame_end]] void done(Round& store, long next) { (void)store, (void)next; }

}  // namespace inside

// CHECK-LABEL: void leave_2(
// CHECK:         ::jobstream::detail::Output<long> out(emitter, 4);
// CHECK-NEXT:    emitter.current = 3;
// CHECK-NEXT:    out.push(::inside::bestOf(store));
// CHECK-LABEL: void leave_5(
// CHECK:         ::jobstream::detail::Output<::inside::Round> out(emitter, 6);

// CHECK:      constexpr ::jobstream::detail::StageDef kStages[] = {
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::frame, .name = "inside::rounds", {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = 5, {{.*}}},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::job, .name = "inside::square", {{.*}}, .owner = 0, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::reduce, .name = "inside::best", {{.*}}, .owner = 0, .region = 0, .partner = ::jobstream::detail::kNoStage, .store = &::jobstream::detail::itemTypeOf<::inside::Max>, {{.*}}},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::emit, .name = "inside::bestOf", .input = &::jobstream::detail::itemTypeOf<::inside::Max>, .inputName = "Max", .serial = false, .owner = 0, .region = 1, .partner = ::jobstream::detail::kNoStage},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::job, .name = "inside::twice", {{.*}}, .owner = 0, .region = 1, .partner = ::jobstream::detail::kNoStage},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::frame_end, .name = "inside::done", {{.*}}, .owner = 0, .region = 1, .partner = 0, {{.*}}},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::print, .name = "jobstream::print", {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CHECK-NEXT: };
