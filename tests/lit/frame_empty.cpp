// An empty frame body. In the model (MODEL), what the frame returns goes
// straight to its frame_end, which is also where the frame_end's own returns
// recur. In generated code (CODE), the frame's returns and the frame_end's go
// to the frame_end, and the frame_end's leave calls the emit below it,
// sending its int to the printer after the emit.
// RUN: %jsgen --dump-model %s %jsgen_flags 2>/dev/null | FileCheck %s --check-prefix=MODEL
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --check-prefix=CODE --input-file=%t.cpp
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
// MODEL-LABEL: stage 1 frame empty::loop
// MODEL:         input int [int]
// MODEL:         scope top region 0
// MODEL-NEXT:    pairs with 2
// MODEL-NEXT:    recurs to 2

[[jobstream::frame_end]] std::optional<int> step(Steps& store, int next) {
  ++store.taken;
  return next < 3 ? std::optional<int>(next + 1) : std::nullopt;
}
// MODEL-LABEL: stage 2 frame_end empty::step
// MODEL:         input int [int]
// MODEL:         scope top region 0
// MODEL-NEXT:    pairs with 1
// MODEL-NEXT:    recurs to 2
// MODEL-NEXT:    leaves int [int]

[[jobstream::emit]] int taken(const Steps& store) { return store.taken; }
// MODEL-LABEL: stage 3 emit empty::taken
// MODEL:         store Steps [::empty::Steps]
// MODEL-NEXT:    scope top region 0

}  // namespace empty

// CODE-LABEL: void process_0(
// CODE:         ::jobstream::detail::Output<int> out(emitter, 1);

// CODE-LABEL: bool enter_1(
// CODE:         ::jobstream::detail::Output<int> out(emitter, 2);

// CODE-LABEL: void frameEnd_2(
// CODE-NEXT:    auto& store = static_cast<::jobstream::detail::Batch<::empty::Steps>&>(storeBatch).items[0];
// CODE-NEXT:    auto& items = static_cast<::jobstream::detail::Batch<int>&>(batch).items;
// CODE-NEXT:    ::jobstream::detail::Output<int> out(emitter, 2);
// CODE-NEXT:    emitter.current = 2;
// CODE-NEXT:    for (std::size_t i = begin; i != end; ++i) {
// CODE-NEXT:      out.push(::empty::step(store, std::move(items[i])));
// CODE-NEXT:    }
// CODE-NEXT:    out.close();
// CODE-NEXT:  }

// CODE-LABEL: void leave_2(
// CODE-NEXT:    auto& store = static_cast<::jobstream::detail::Batch<::empty::Steps>&>(storeBatch).items[0];
// CODE-NEXT:    ::jobstream::detail::Output<int> out(emitter, 4);
// CODE-NEXT:    emitter.current = 3;
// CODE-NEXT:    out.push(::empty::taken(store));
// CODE-NEXT:    out.close();
// CODE-NEXT:  }

// CODE:      constexpr ::jobstream::detail::StageDef kStages[] = {
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::job, .name = "empty::start", {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::frame, .name = "empty::loop", {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = 2, {{.*}}, .newStore = &newStore_1, .enter = &enter_1},
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::frame_end, .name = "empty::step", {{.*}}, .owner = 1, .region = 0, .partner = 1, {{.*}}, .frameEnd = &frameEnd_2, .leave = &leave_2},
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::emit, .name = "empty::taken", .input = &::jobstream::detail::itemTypeOf<::empty::Steps>, {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::print, .name = "jobstream::print", .input = &::jobstream::detail::itemTypeOf<int>, {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CODE-NEXT: };
