// Without an emit, the reduce's store itself leaves: moved out of its batch to
// the stage after the reduce, here the default printer, which takes the store
// type and is in the region after the reduce.
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --input-file=%t.cpp
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
#include <jobstream/jobstream.hpp>

#include <ostream>
#include <span>

namespace total {

struct Sum {
  // Printed by the default printer.
  friend std::ostream& operator<<(std::ostream& out, const Sum&) { return out << "Sum"; }
  long value = 0;
};

[[jobstream::reduce]] void add(Sum& store, const std::span<const long>& inputs,
                               std::span<const Sum> others) {
  for (long n : inputs) store.value += n;
  for (const Sum& o : others) store.value += o.value;
}

}  // namespace total

// CHECK-LABEL: void reduce_0(
// CHECK:         ::total::add(store, std::span<const long>(items.data() + begin, end - begin), std::span<const ::total::Sum>());

// CHECK-LABEL: void leave_0(::jobstream::detail::BatchBase& storeBatch, ::jobstream::detail::Emitter& emitter) {
// CHECK-NEXT:    auto& store = static_cast<::jobstream::detail::Batch<::total::Sum>&>(storeBatch).items[0];
// CHECK-NEXT:    ::jobstream::detail::Output<::total::Sum> out(emitter, 1);
// CHECK-NEXT:    out.push(std::move(store));
// CHECK-NEXT:    out.close();
// CHECK-NEXT:  }

// CHECK:      constexpr ::jobstream::detail::StageDef kStages[] = {
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::reduce, .name = "total::add", .input = &::jobstream::detail::itemTypeOf<long>, .inputName = "long", .serial = false, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = ::jobstream::detail::kNoStage, .store = &::jobstream::detail::itemTypeOf<::total::Sum>, .newStore = &newStore_0, .reduce = &reduce_0, .merge = &merge_0, .leave = &leave_0},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::print, .name = "jobstream::print", .input = &::jobstream::detail::itemTypeOf<::total::Sum>, .inputName = "Sum", .serial = false, .process = &::jobstream::detail::printItems<::total::Sum>, .owner = ::jobstream::detail::kNoStage, .region = 1, .partner = ::jobstream::detail::kNoStage},
// CHECK-NEXT: };
// CHECK:        .entry = 0,
// CHECK-NEXT:   .parseItem = ::jobstream::detail::parserFor<long>(),
