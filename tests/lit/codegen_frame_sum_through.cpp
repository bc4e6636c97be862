// The seed's sumThrough: a frame returning std::optional<int>, a body job and
// a frame_end adding into the store. enter passes the kept first item
// without moving it and says whether it returned anything; frameEnd runs the
// frame_end over a range and leave sends the store after it. The body's items
// are owned by the frame, and so are the frame_end's; frame and frame_end
// name each other as partner.
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --input-file=%t.cpp
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

[[jobstream::job]] jobstream::Multiple<int> countTo(int w) {
  jobstream::Multiple<int> out;
  for (int i = 1; i <= w; ++i) out.push_back(i);
  return out;
}

[[jobstream::frame_end]] void handleNext(Sum& store, int next) { store.value += next; }

[[jobstream::result]] void printMatchup(const Sum& s) {
  std::cout << s.first << ": " << s.value << '\n';
}

}  // namespace sums

// CHECK:       void serialize(Archive& jsgen_archive, ::sums::Sum& jsgen_value) {

// CHECK-LABEL: std::unique_ptr<::jobstream::detail::BatchBase> newStore_0() {
// CHECK-NEXT:    auto store = std::make_unique<::jobstream::detail::Batch<::sums::Sum>>();
// CHECK-NEXT:    store->items.emplace_back();

// CHECK-LABEL: bool enter_0(::jobstream::detail::BatchBase& storeBatch, ::jobstream::detail::BatchBase& firstBatch, ::jobstream::detail::Emitter& emitter) {
// CHECK-NEXT:    auto& store = static_cast<::jobstream::detail::Batch<::sums::Sum>&>(storeBatch).items[0];
// CHECK-NEXT:    const auto& first = static_cast<::jobstream::detail::Batch<int>&>(firstBatch).items[0];
// CHECK-NEXT:    emitter.current = 0;
// CHECK-NEXT:    auto r0 = ::sums::sumThrough(store, first);
// CHECK-NEXT:    if (!r0) return false;
// CHECK-NEXT:    ::jobstream::detail::Output<int> out(emitter, 1);
// CHECK-NEXT:    out.push(std::move(r0));
// CHECK-NEXT:    out.close();
// CHECK-NEXT:    return true;
// CHECK-NEXT:  }

// CHECK-LABEL: void process_1(
// CHECK:         ::jobstream::detail::Output<int> out(emitter, 2);

// CHECK-LABEL: void frameEnd_2(::jobstream::detail::BatchBase& storeBatch, ::jobstream::detail::BatchBase& batch, std::size_t begin, std::size_t end, ::jobstream::detail::Emitter& emitter) {
// CHECK-NEXT:    auto& store = static_cast<::jobstream::detail::Batch<::sums::Sum>&>(storeBatch).items[0];
// CHECK-NEXT:    auto& items = static_cast<::jobstream::detail::Batch<int>&>(batch).items;
// CHECK-NEXT:    emitter.current = 2;
// CHECK-NEXT:    for (std::size_t i = begin; i != end; ++i) {
// CHECK-NEXT:      ::sums::handleNext(store, std::move(items[i]));
// CHECK-NEXT:    }
// CHECK-NEXT:  }

// CHECK-LABEL: void leave_2(::jobstream::detail::BatchBase& storeBatch, ::jobstream::detail::Emitter& emitter) {
// CHECK-NEXT:    auto& store = static_cast<::jobstream::detail::Batch<::sums::Sum>&>(storeBatch).items[0];
// CHECK-NEXT:    ::jobstream::detail::Output<::sums::Sum> out(emitter, 3);
// CHECK-NEXT:    out.push(std::move(store));
// CHECK-NEXT:    out.close();
// CHECK-NEXT:  }

// CHECK:      constexpr ::jobstream::detail::StageDef kStages[] = {
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::frame, .name = "sums::sumThrough", .input = &::jobstream::detail::itemTypeOf<int>, .inputName = "int", .serial = false, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = 2, .store = &::jobstream::detail::itemTypeOf<::sums::Sum>, .newStore = &newStore_0, .enter = &enter_0},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::job, .name = "sums::countTo", {{.*}}, .process = &process_1, .owner = 0, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::frame_end, .name = "sums::handleNext", .input = &::jobstream::detail::itemTypeOf<int>, .inputName = "int", .serial = false, .owner = 0, .region = 0, .partner = 0, .store = &::jobstream::detail::itemTypeOf<::sums::Sum>, .frameEnd = &frameEnd_2, .leave = &leave_2},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::result, .name = "sums::printMatchup", .input = &::jobstream::detail::itemTypeOf<::sums::Sum>, {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CHECK-NEXT: };
