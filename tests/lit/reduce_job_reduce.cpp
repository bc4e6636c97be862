// Two top-level reductions. In the model (MODEL), the first recurs to the
// pipeline's first stage (itself, here) and lets its store leave; the job
// after it starts the second region, where the second reduce recurs. In
// generated code (CODE), the job between them takes the first one's store and
// delivers to the second reduce; region numbers count the reduces above (a
// reduce is in the region it closes), and the printer is in region 2.
// RUN: %jsgen --dump-model %s %jsgen_flags 2>/dev/null | FileCheck %s --check-prefix=MODEL
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --check-prefix=CODE --input-file=%t.cpp
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
#include <jobstream/jobstream.hpp>

#include <optional>
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

[[jobstream::reduce]] std::optional<int> add(Total& store, std::span<const int> inputs,
                                             std::span<const Total> others) {
  for (int n : inputs) store.sum += n;
  for (const Total& o : others) store.sum += o.sum;
  return std::nullopt;
}
// MODEL-LABEL: stage 0 reduce twice::add
// MODEL:         input int [int]
// MODEL-NEXT:    returns optional 'std::optional<int>' item int [int]
// MODEL-NEXT:    store Total [::twice::Total]
// MODEL-NEXT:    scope top region 0
// MODEL-NEXT:    recurs to 0
// MODEL-NEXT:    leaves Total [::twice::Total]

[[jobstream::job]] long half(const Total& total) { return total.sum / 2; }
// MODEL-LABEL: stage 1 job twice::half
// MODEL:         input Total [::twice::Total]
// MODEL:         scope top region 1

[[jobstream::reduce]] void count(Count& store, std::span<const long> inputs,
                                 std::span<const Count> others) {
  store.n += static_cast<int>(inputs.size());
  for (const Count& o : others) store.n += o.n;
}
// MODEL-LABEL: stage 2 reduce twice::count
// MODEL:         input long [long]
// MODEL:         store Count [::twice::Count]
// MODEL-NEXT:    scope top region 1
// MODEL-NEXT:    recurs to 1
// MODEL-NEXT:    leaves Count [::twice::Count]

}  // namespace twice

// MODEL: type ::twice::Total generate
// MODEL: type ::twice::Count generate

// CODE-LABEL: void leave_0(
// CODE:         ::jobstream::detail::Output<::twice::Total> out(emitter, 1);
// CODE-NEXT:    out.push(std::move(store));

// CODE-LABEL: void process_1(
// CODE:         ::jobstream::detail::Output<long> out(emitter, 2);
// CODE:         out.push(::twice::half(items[i]));

// CODE-LABEL: void reduce_2(
// CODE:         auto& items = static_cast<::jobstream::detail::Batch<long>&>(batch).items;
// CODE:         ::twice::count(store, std::span<const long>(items.data() + begin, end - begin), std::span<const ::twice::Count>());

// CODE-LABEL: void leave_2(
// CODE:         ::jobstream::detail::Output<::twice::Count> out(emitter, 3);

// CODE:      constexpr ::jobstream::detail::StageDef kStages[] = {
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::reduce, .name = "twice::add", {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = ::jobstream::detail::kNoStage, .store = &::jobstream::detail::itemTypeOf<::twice::Total>, .newStore = &newStore_0, .reduce = &reduce_0, .merge = &merge_0, .leave = &leave_0},
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::job, .name = "twice::half", .input = &::jobstream::detail::itemTypeOf<::twice::Total>, {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 1, .partner = ::jobstream::detail::kNoStage},
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::reduce, .name = "twice::count", .input = &::jobstream::detail::itemTypeOf<long>, {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 1, .partner = ::jobstream::detail::kNoStage, .store = &::jobstream::detail::itemTypeOf<::twice::Count>, .newStore = &newStore_2, .reduce = &reduce_2, .merge = &merge_2, .leave = &leave_2},
// CODE-NEXT:   {.kind = ::jobstream::detail::StageKind::print, .name = "jobstream::print", .input = &::jobstream::detail::itemTypeOf<::twice::Count>, {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 2, .partner = ::jobstream::detail::kNoStage},
// CODE-NEXT: };
