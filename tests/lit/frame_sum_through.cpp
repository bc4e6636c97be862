// The seed's sumThrough in the contract's form: a frame returning
// std::optional<int>, a body job returning Multiple, a frame_end adding into
// the store, a result. In the model (MODEL), the frame pairs with its
// frame_end, both recur into the body's first stage, and the store leaves the
// frame_end. In generated code (CODE), enter passes the kept first item
// without moving it and says whether it returned anything; frameEnd runs the
// frame_end over a range and leave sends the store after it. The body's items
// are owned by the frame, and so are the frame_end's; frame and frame_end
// name each other as partner.
// RUN: %jsgen --dump-model %s %jsgen_flags 2>/dev/null | FileCheck %s --check-prefix=MODEL
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --check-prefix=CODE --input-file=%t.cpp
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
#include <jobstream/jobstream.hpp>

#include <iostream>
#include <optional>

namespace sums {

struct Sum {
  int first = 0;
  int value = 0;
  bool started = false;
};

[[jobstream::frame]] std::optional<int> sumThrough(Sum& store, const int& first) {
  if (store.started) return std::nullopt;
  store = {first, 0, true};
  return first;
}
// MODEL-LABEL: stage 0 frame sums::sumThrough
// MODEL:         input int [int]
// MODEL-NEXT:    returns optional 'std::optional<int>' item int [int]
// MODEL-NEXT:    store Sum [::sums::Sum]
// MODEL-NEXT:    scope top region 0
// MODEL-NEXT:    pairs with 2
// MODEL-NEXT:    recurs to 1
// MODEL-NOT:     leaves

[[jobstream::job]] jobstream::Multiple<int> countTo(int w) {
  jobstream::Multiple<int> out;
  for (int i = 1; i <= w; ++i) out.push_back(i);
  return out;
}
// MODEL-LABEL: stage 1 job sums::countTo
// MODEL:         scope frame 0 region 1

[[jobstream::frame_end]] void handleNext(Sum& store, int next) { store.value += next; }
// MODEL-LABEL: stage 2 frame_end sums::handleNext
// MODEL:         input int [int]
// MODEL-NEXT:    returns void 'void'
// MODEL-NEXT:    store Sum [::sums::Sum]
// MODEL-NEXT:    scope top region 0
// MODEL-NEXT:    pairs with 0
// MODEL-NEXT:    recurs to 1
// MODEL-NEXT:    leaves Sum [::sums::Sum]

[[jobstream::result]] void printMatchup(const Sum& s) { std::cout << s.first << ": " << s.value << '\n'; }
// MODEL-LABEL: stage 3 result sums::printMatchup
// MODEL:         input Sum [::sums::Sum]
// MODEL:         scope top region 0

}  // namespace sums

// MODEL:      type ::sums::Sum generate
// MODEL-NEXT:   scope sums
// MODEL-NEXT:   field first

// CODE:       void serialize(Archive& jsgen_archive, ::sums::Sum& jsgen_value) {

// CODE-LABEL: std::unique_ptr<::jobstream::detail::BatchBase> newStore_0() {
// CODE-NEXT:    auto store = std::make_unique<::jobstream::detail::Batch<::sums::Sum>>();
// CODE-NEXT:    store->items.emplace_back();

// CODE-LABEL: bool enter_0(::jobstream::detail::BatchBase& storeBatch, ::jobstream::detail::BatchBase& firstBatch, ::jobstream::detail::Emitter& emitter) {
// CODE-NEXT:    auto& store = static_cast<::jobstream::detail::Batch<::sums::Sum>&>(storeBatch).items[0];
// CODE-NEXT:    const auto& first = static_cast<::jobstream::detail::Batch<int>&>(firstBatch).items[0];
// CODE-NEXT:    emitter.current = 0;
// CODE-NEXT:    auto r0 = ::sums::sumThrough(store, first);
// CODE-NEXT:    if (!r0) return false;
// CODE-NEXT:    ::jobstream::detail::Output<int> out(emitter, 1);
// CODE-NEXT:    out.push(std::move(r0));
// CODE-NEXT:    out.close();
// CODE-NEXT:    return true;
// CODE-NEXT:  }

// CODE-LABEL: void process_1(
// CODE:         ::jobstream::detail::Output<int> out(emitter, 2);

// CODE-LABEL: void frameEnd_2(::jobstream::detail::BatchBase& storeBatch, ::jobstream::detail::BatchBase& batch, std::size_t begin, std::size_t end, ::jobstream::detail::Emitter& emitter) {
// CODE-NEXT:    auto& store = static_cast<::jobstream::detail::Batch<::sums::Sum>&>(storeBatch).items[0];
// CODE-NEXT:    auto& items = static_cast<::jobstream::detail::Batch<int>&>(batch).items;
// CODE-NEXT:    emitter.current = 2;
// CODE-NEXT:    for (std::size_t i = begin; i != end; ++i) {
// CODE-NEXT:      ::sums::handleNext(store, std::move(items[i]));
// CODE-NEXT:    }
// CODE-NEXT:  }

// CODE-LABEL: void leave_2(::jobstream::detail::BatchBase& storeBatch, ::jobstream::detail::Emitter& emitter) {
// CODE-NEXT:    auto& store = static_cast<::jobstream::detail::Batch<::sums::Sum>&>(storeBatch).items[0];
// CODE-NEXT:    ::jobstream::detail::Output<::sums::Sum> out(emitter, 3);
// CODE-NEXT:    out.push(std::move(store));
// CODE-NEXT:    out.close();
// CODE-NEXT:  }

// CODE:      constexpr ::jobstream::detail::StageDef kStages[] = {
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::frame, .name = "sums::sumThrough", .input = &::jobstream::detail::itemTypeOf<int>, .inputName = "int", .serial = false, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = 2, .store = &::jobstream::detail::itemTypeOf<::sums::Sum>, .newStore = &newStore_0, .enter = &enter_0},
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::job, .name = "sums::countTo", {{.*}}, .process = &process_1, .owner = 0, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::frame_end, .name = "sums::handleNext", .input = &::jobstream::detail::itemTypeOf<int>, .inputName = "int", .serial = false, .owner = 0, .region = 0, .partner = 0, .store = &::jobstream::detail::itemTypeOf<::sums::Sum>, .frameEnd = &frameEnd_2, .leave = &leave_2},
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::result, .name = "sums::printMatchup", .input = &::jobstream::detail::itemTypeOf<::sums::Sum>, {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CODE-NEXT: };
