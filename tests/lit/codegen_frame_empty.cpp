// An empty frame body: the frame's returns and the frame_end's go straight to
// the frame_end, and the frame_end's leave calls the emit below it, sending
// its int to the printer after the emit.
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --input-file=%t.cpp
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
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

[[jobstream::frame_end]] std::optional<int> step(Steps& store, int next) {
  ++store.taken;
  return next < 3 ? std::optional<int>(next + 1) : std::nullopt;
}

[[jobstream::emit]] int taken(const Steps& store) { return store.taken; }

}  // namespace empty

// CHECK-LABEL: void process_0(
// CHECK:         ::jobstream::detail::Output<int> out(emitter, 1);

// CHECK-LABEL: bool enter_1(
// CHECK:         ::jobstream::detail::Output<int> out(emitter, 2);

// CHECK-LABEL: void frameEnd_2(
// CHECK-NEXT:    auto& store = static_cast<::jobstream::detail::Batch<::empty::Steps>&>(storeBatch).items[0];
// CHECK-NEXT:    auto& items = static_cast<::jobstream::detail::Batch<int>&>(batch).items;
// CHECK-NEXT:    ::jobstream::detail::Output<int> out(emitter, 2);
// CHECK-NEXT:    emitter.current = 2;
// CHECK-NEXT:    for (std::size_t i = begin; i != end; ++i) {
// CHECK-NEXT:      out.push(::empty::step(store, std::move(items[i])));
// CHECK-NEXT:    }
// CHECK-NEXT:    out.close();
// CHECK-NEXT:  }

// CHECK-LABEL: void leave_2(
// CHECK-NEXT:    auto& store = static_cast<::jobstream::detail::Batch<::empty::Steps>&>(storeBatch).items[0];
// CHECK-NEXT:    ::jobstream::detail::Output<int> out(emitter, 4);
// CHECK-NEXT:    emitter.current = 3;
// CHECK-NEXT:    out.push(::empty::taken(store));
// CHECK-NEXT:    out.close();
// CHECK-NEXT:  }

// CHECK:      constexpr ::jobstream::detail::StageDef kStages[] = {
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::job, .name = "empty::start", {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::frame, .name = "empty::loop", {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = 2, {{.*}}, .newStore = &newStore_1, .enter = &enter_1},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::frame_end, .name = "empty::step", {{.*}}, .owner = 1, .region = 0, .partner = 1, {{.*}}, .frameEnd = &frameEnd_2, .leave = &leave_2},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::emit, .name = "empty::taken", .input = &::jobstream::detail::itemTypeOf<::empty::Steps>, {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::print, .name = "jobstream::print", .input = &::jobstream::detail::itemTypeOf<int>, {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CHECK-NEXT: };
