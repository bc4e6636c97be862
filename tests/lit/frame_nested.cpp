// Frames nest. In the model (MODEL), the inner frame sits in the outer body,
// its body's stages in its own scope, and each frame_end pairs with the frame
// it closes. In generated code (CODE), items in the inner body are owned by
// the inner frame, the inner frame and its frame_end's leave sit in the outer
// body, and the outer frame_end takes what leaves the inner one. Each frame
// pairs with its own frame_end; each frame's returns go to its body's first
// stage.
// RUN: %jsgen --dump-model %s %jsgen_flags 2>/dev/null | FileCheck %s --check-prefix=MODEL
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --check-prefix=CODE --input-file=%t.cpp
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
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
// MODEL-LABEL: stage 0 frame nest::outer
// MODEL:         scope top region 0
// MODEL-NEXT:    pairs with 5
// MODEL-NEXT:    recurs to 1

[[jobstream::job]] int before(int n) { return n + 1; }
// MODEL-LABEL: stage 1 job nest::before
// MODEL:         scope frame 0 region 1

[[jobstream::frame]] jobstream::Multiple<int> inner(Inner& store, int first) {
  if (store.n++ != 0) return {};
  return {first, first};
}
// MODEL-LABEL: stage 2 frame nest::inner
// MODEL:         scope frame 0 region 1
// MODEL-NEXT:    pairs with 4
// MODEL-NEXT:    recurs to 3

[[jobstream::job]] int deepest(int n) { return n * 2; }
// MODEL-LABEL: stage 3 job nest::deepest
// MODEL:         scope frame 2 region 3

[[jobstream::frame_end]] void innerEnd(Inner& store, int next) { store.n += next; }
// MODEL-LABEL: stage 4 frame_end nest::innerEnd
// MODEL:         scope frame 0 region 1
// MODEL-NEXT:    pairs with 2
// MODEL-NEXT:    recurs to 3
// MODEL-NEXT:    leaves Inner [::nest::Inner]

[[jobstream::frame_end]] void outerEnd(Outer& store, const Inner& next) { store.n += next.n; }
// MODEL-LABEL: stage 5 frame_end nest::outerEnd
// MODEL:         input Inner [::nest::Inner]
// MODEL:         scope top region 0
// MODEL-NEXT:    pairs with 0
// MODEL-NEXT:    recurs to 1
// MODEL-NEXT:    leaves Outer [::nest::Outer]

}  // namespace nest

// CODE-LABEL: bool enter_0(
// CODE:         ::jobstream::detail::Output<int> out(emitter, 1);
// CODE-LABEL: void process_1(
// CODE:         ::jobstream::detail::Output<int> out(emitter, 2);
// CODE-LABEL: bool enter_2(
// CODE:         auto r2 = ::nest::inner(store, first);
// CODE-NEXT:    if (r2.empty()) return false;
// CODE-NEXT:    ::jobstream::detail::Output<int> out(emitter, 3);
// CODE-LABEL: void process_3(
// CODE:         ::jobstream::detail::Output<int> out(emitter, 4);
// CODE-LABEL: void leave_4(
// CODE:         ::jobstream::detail::Output<::nest::Inner> out(emitter, 5);
// CODE-LABEL: void frameEnd_5(
// CODE:         ::nest::outerEnd(store, items[i]);
// CODE-LABEL: void leave_5(
// CODE:         ::jobstream::detail::Output<::nest::Outer> out(emitter, 6);

// CODE:      constexpr ::jobstream::detail::StageDef kStages[] = {
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::frame, .name = "nest::outer", {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = 5, {{.*}}},
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::job, .name = "nest::before", {{.*}}, .owner = 0, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::frame, .name = "nest::inner", {{.*}}, .owner = 0, .region = 0, .partner = 4, .store = &::jobstream::detail::itemTypeOf<::nest::Inner>, .newStore = &newStore_2, .enter = &enter_2},
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::job, .name = "nest::deepest", {{.*}}, .owner = 2, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::frame_end, .name = "nest::innerEnd", {{.*}}, .owner = 2, .region = 0, .partner = 2, .store = &::jobstream::detail::itemTypeOf<::nest::Inner>, .frameEnd = &frameEnd_4, .leave = &leave_4},
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::frame_end, .name = "nest::outerEnd", .input = &::jobstream::detail::itemTypeOf<::nest::Inner>, {{.*}}, .owner = 0, .region = 0, .partner = 0, .store = &::jobstream::detail::itemTypeOf<::nest::Outer>, .frameEnd = &frameEnd_5, .leave = &leave_5},
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::print, .name = "jobstream::print", .input = &::jobstream::detail::itemTypeOf<::nest::Outer>, {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CODE-NEXT: };
