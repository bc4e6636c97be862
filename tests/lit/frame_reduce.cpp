// A reduce inside a frame body closes a region of that body. In the model
// (MODEL), it recurs to the body's first stage, and the stage after its emit
// starts the body's next region, where the frame_end is not (it belongs to
// the scope around). In generated code (CODE), the reduce and the stages above
// it are in the frame's region 0, its emit and the stages after it in region
// 1, and the frame_end counts the body's reduces too (region 1). What the emit
// returns goes to the stage after it; the frame_end's store goes to the
// printer at the top level, whose region the inner reduce does not count.
// RUN: %jsgen --dump-model %s %jsgen_flags 2>/dev/null | FileCheck %s --check-prefix=MODEL
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --check-prefix=CODE --input-file=%t.cpp
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
// MODEL-LABEL: stage 0 frame inside::rounds
// MODEL:         pairs with 5
// MODEL-NEXT:    recurs to 1

[[jobstream::job]] int square(int n) { return n * n; }
// MODEL-LABEL: stage 1 job inside::square
// MODEL:         scope frame 0 region 1

[[jobstream::reduce]] void best(Max& store, std::span<const int> inputs, std::span<const Max> others) {
  for (int n : inputs) store.best = n > store.best ? n : store.best;
  for (const Max& o : others) store.best = o.best > store.best ? o.best : store.best;
}
// MODEL-LABEL: stage 2 reduce inside::best
// MODEL:         store Max [::inside::Max]
// MODEL-NEXT:    scope frame 0 region 1
// MODEL-NEXT:    recurs to 1
// MODEL-NEXT:    leaves long [long]

[[jobstream::emit]] long bestOf(const Max& store) { return store.best; }
// MODEL-LABEL: stage 3 emit inside::bestOf
// MODEL:         scope frame 0 region 1

[[jobstream::job]] long twice(long n) { return 2 * n; }
// MODEL-LABEL: stage 4 job inside::twice
// MODEL:         scope frame 0 region 4

[[jobstream::frame_end]] void done(Round& store, long next) { (void)store, (void)next; }
// MODEL-LABEL: stage 5 frame_end inside::done
// MODEL:         scope top region 0
// MODEL-NEXT:    pairs with 0
// MODEL-NEXT:    recurs to 1
// MODEL-NEXT:    leaves Round [::inside::Round]

}  // namespace inside

// MODEL: type ::inside::Round generate
// MODEL: type ::inside::Max generate

// CODE-LABEL: void leave_2(
// CODE:         ::jobstream::detail::Output<long> out(emitter, 4);
// CODE-NEXT:    emitter.current = 3;
// CODE-NEXT:    out.push(::inside::bestOf(store));
// CODE-LABEL: void leave_5(
// CODE:         ::jobstream::detail::Output<::inside::Round> out(emitter, 6);

// CODE:      constexpr ::jobstream::detail::StageDef kStages[] = {
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::frame, .name = "inside::rounds", {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = 5, {{.*}}},
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::job, .name = "inside::square", {{.*}}, .owner = 0, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::reduce, .name = "inside::best", {{.*}}, .owner = 0, .region = 0, .partner = ::jobstream::detail::kNoStage, .store = &::jobstream::detail::itemTypeOf<::inside::Max>, {{.*}}},
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::emit, .name = "inside::bestOf", .input = &::jobstream::detail::itemTypeOf<::inside::Max>, .inputName = "Max", .serial = false, .owner = 0, .region = 1, .partner = ::jobstream::detail::kNoStage},
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::job, .name = "inside::twice", {{.*}}, .owner = 0, .region = 1, .partner = ::jobstream::detail::kNoStage},
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::frame_end, .name = "inside::done", {{.*}}, .owner = 0, .region = 1, .partner = 0, {{.*}}},
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::print, .name = "jobstream::print", {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CODE-NEXT: };
