// Two top-level reductions: the job between them takes the first one's store
// and delivers to the second reduce; region numbers count the reduces above
// (a reduce is in the region it closes), and the printer is in region 2.
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --input-file=%t.cpp
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
#include <jobstream/jobstream.hpp>

#include <ostream>
#include <span>

namespace twice {

struct Total {
  long sum = 0;
};
struct Count {
  // Printed by the default printer.
  friend std::ostream& operator<<(std::ostream& out, const Count&) { return out << "Count"; }
  int n = 0;
};

[[jobstream::reduce]] void add(Total& store, std::span<const int> inputs,
                               std::span<const Total> others) {
  for (int n : inputs) store.sum += n;
  for (const Total& o : others) store.sum += o.sum;
}

[[jobstream::job]] long half(const Total& total) { return total.sum / 2; }

[[jobstream::reduce]] void count(Count& store, std::span<const long> inputs,
                                 std::span<const Count> others) {
  store.n += static_cast<int>(inputs.size());
  for (const Count& o : others) store.n += o.n;
}

}  // namespace twice

// CHECK-LABEL: void leave_0(
// CHECK:         ::jobstream::detail::Output<::twice::Total> out(emitter, 1);
// CHECK-NEXT:    out.push(std::move(store));

// CHECK-LABEL: void process_1(
// CHECK:         ::jobstream::detail::Output<long> out(emitter, 2);
// CHECK:         out.push(::twice::half(items[i]));

// CHECK-LABEL: void reduce_2(
// CHECK:         auto& items = static_cast<::jobstream::detail::Batch<long>&>(batch).items;
// CHECK:         ::twice::count(store, std::span<const long>(items.data() + begin, end - begin), std::span<const ::twice::Count>());

// CHECK-LABEL: void leave_2(
// CHECK:         ::jobstream::detail::Output<::twice::Count> out(emitter, 3);

// CHECK:      constexpr ::jobstream::detail::StageDef kStages[] = {
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::reduce, .name = "twice::add", {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = ::jobstream::detail::kNoStage, .store = &::jobstream::detail::itemTypeOf<::twice::Total>, .newStore = &newStore_0, .reduce = &reduce_0, .merge = &merge_0, .leave = &leave_0},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::job, .name = "twice::half", .input = &::jobstream::detail::itemTypeOf<::twice::Total>, {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 1, .partner = ::jobstream::detail::kNoStage},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::reduce, .name = "twice::count", .input = &::jobstream::detail::itemTypeOf<long>, {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 1, .partner = ::jobstream::detail::kNoStage, .store = &::jobstream::detail::itemTypeOf<::twice::Count>, .newStore = &newStore_2, .reduce = &reduce_2, .merge = &merge_2, .leave = &leave_2},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::print, .name = "jobstream::print", .input = &::jobstream::detail::itemTypeOf<::twice::Count>, {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 2, .partner = ::jobstream::detail::kNoStage},
// CHECK-NEXT: };
