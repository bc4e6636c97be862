// Nested frames: items in the inner body are owned by the inner frame, the
// inner frame and its frame_end's leave sit in the outer body, and the outer
// frame_end takes what leaves the inner one. Each frame pairs with its own
// frame_end; each frame's returns go to its body's first stage.
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --input-file=%t.cpp
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
[[jobstream::job]] int before(int n) { return n + 1; }
[[jobstream::frame]] jobstream::Multiple<int> inner(Inner& store, int first) {
  if (store.n++ != 0) return {};
  return {first, first};
}
[[jobstream::job]] int deepest(int n) { return n * 2; }
[[jobstream::frame_end]] void innerEnd(Inner& store, int next) { store.n += next; }
[[jobstream::frame_end]] void outerEnd(Outer& store, const Inner& next) { store.n += next.n; }

}  // namespace nest

// CHECK-LABEL: bool enter_0(
// CHECK:         ::jobstream::detail::Output<int> out(emitter, 1);
// CHECK-LABEL: void process_1(
// CHECK:         ::jobstream::detail::Output<int> out(emitter, 2);
// CHECK-LABEL: bool enter_2(
// CHECK:         auto r2 = ::nest::inner(store, first);
// CHECK-NEXT:    if (r2.empty()) return false;
// CHECK-NEXT:    ::jobstream::detail::Output<int> out(emitter, 3);
// CHECK-LABEL: void process_3(
// CHECK:         ::jobstream::detail::Output<int> out(emitter, 4);
// CHECK-LABEL: void leave_4(
// CHECK:         ::jobstream::detail::Output<::nest::Inner> out(emitter, 5);
// CHECK-LABEL: void frameEnd_5(
// CHECK:         ::nest::outerEnd(store, items[i]);
// CHECK-LABEL: void leave_5(
// CHECK:         ::jobstream::detail::Output<::nest::Outer> out(emitter, 6);

// CHECK:      constexpr ::jobstream::detail::StageDef kStages[] = {
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::frame, .name = "nest::outer", {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = 5, {{.*}}},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::job, .name = "nest::before", {{.*}}, .owner = 0, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::frame, .name = "nest::inner", {{.*}}, .owner = 0, .region = 0, .partner = 4, .store = &::jobstream::detail::itemTypeOf<::nest::Inner>, .newStore = &newStore_2, .enter = &enter_2},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::job, .name = "nest::deepest", {{.*}}, .owner = 2, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::frame_end, .name = "nest::innerEnd", {{.*}}, .owner = 2, .region = 0, .partner = 2, .store = &::jobstream::detail::itemTypeOf<::nest::Inner>, .frameEnd = &frameEnd_4, .leave = &leave_4},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::frame_end, .name = "nest::outerEnd", .input = &::jobstream::detail::itemTypeOf<::nest::Inner>, {{.*}}, .owner = 0, .region = 0, .partner = 0, .store = &::jobstream::detail::itemTypeOf<::nest::Outer>, .frameEnd = &frameEnd_5, .leave = &leave_5},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::print, .name = "jobstream::print", .input = &::jobstream::detail::itemTypeOf<::nest::Outer>, {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CHECK-NEXT: };
