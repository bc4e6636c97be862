// The contract's sweep (API.md, section 7), generated and compiled: the
// description struct sweep_1 names P's and O's members as columns, in
// declaration order, and orders the table by the parameters member by
// member; the sweep becomes a frame (marked .sweep), the job that runs the
// trials (named as the user's function, so an exception names it), a
// frame_end and an emit; its rows leave the pipeline, so a finish prints the
// table (.sweepTable) instead of the default printer. O travels inside
// SweepRow: it gets a serialize of its own.
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --input-file=%t.cpp
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
#include <jobstream/jobstream.hpp>

#include <cstdint>
#include <random>

namespace noise {
struct Params { double a = 0; int n = 0; };             // one combination
struct Outcome { double value = 0; double cost = 0; };   // what one trial measures

[[jobstream::init]]
jobstream::Multiple<Params> grid() {                     // every combination (or ITEM/stdin)
  jobstream::Multiple<Params> out;
  for (double a : {1.0, 5.5, 10.0}) for (int n : {10, 20}) out.push_back({a, n});
  return out;
}

[[jobstream::sweep]]                                     // one call per trial
Outcome trial(const Params& p, std::uint64_t trial) {
  std::mt19937_64 random(trial);
  std::normal_distribution<double> noise(p.a, 1.0);
  return {noise(random), p.a * p.n};
}
}  // namespace noise

// CHECK-LABEL: void serialize(Archive& jsgen_archive, ::noise::Outcome& jsgen_value) {
// CHECK-NEXT:    jsgen_archive(jsgen_value.value, jsgen_value.cost);

// CHECK-LABEL: struct sweep_1 {
// CHECK-NEXT:    using Params = ::noise::Params;
// CHECK-NEXT:    using Outcome = ::noise::Outcome;
// CHECK-NEXT:    static constexpr std::string_view name = "noise::trial";
// CHECK-NEXT:    static constexpr std::array<std::string_view, 2> paramColumns{"a", "n"};
// CHECK-NEXT:    static constexpr std::array<std::string_view, 2> outcomeColumns{"value", "cost"};
// CHECK-NEXT:    static Outcome trial(const Params& p, std::uint64_t t) { return ::noise::trial(p, t); }
// CHECK-NEXT:    static void outcomes(const Outcome& o, double* to) {
// CHECK-NEXT:      to[0] = static_cast<double>(o.value);
// CHECK-NEXT:      to[1] = static_cast<double>(o.cost);
// CHECK-NEXT:    }
// CHECK-NEXT:    static Outcome outcome(const double* from) {
// CHECK-NEXT:      Outcome o{};
// CHECK-NEXT:      o.value = ::jobstream::detail::sweepValue<decltype(o.value)>(from[0]);
// CHECK-NEXT:      o.cost = ::jobstream::detail::sweepValue<decltype(o.cost)>(from[1]);
// CHECK-NEXT:      return o;
// CHECK-NEXT:    }
// CHECK-NEXT:    static void params(const Params& p, std::vector<std::string>& to) {
// CHECK-NEXT:      to.push_back(::jobstream::detail::sweepText(p.a));
// CHECK-NEXT:      to.push_back(::jobstream::detail::sweepText(p.n));
// CHECK-NEXT:    }
// CHECK-NEXT:    static bool less(const Params& x, const Params& y) {
// CHECK-NEXT:      if (x.a < y.a) return true;
// CHECK-NEXT:      if (y.a < x.a) return false;
// CHECK-NEXT:      return x.n < y.n;
// CHECK-NEXT:    }
// CHECK-NEXT:  };

// CHECK-LABEL: bool enter_1(
// CHECK:         auto r1 = ::jobstream::detail::Sweep<sweep_1>::enter(store, first);
// CHECK-LABEL: void process_2(
// CHECK:         out.push(::jobstream::detail::Sweep<sweep_1>::run(items[i]));
// CHECK-LABEL: void frameEnd_3(
// CHECK:         out.push(::jobstream::detail::Sweep<sweep_1>::add(store, items[i]));
// CHECK-LABEL: void leave_3(
// CHECK:         out.push(::jobstream::detail::Sweep<sweep_1>::row(store));
// CHECK-LABEL: void finish_5(
// CHECK:         ::jobstream::detail::Sweep<sweep_1>::table(std::move(all));

// CHECK-LABEL: kStages[] = {
// CHECK-NEXT:  StageKind::init, .name = "noise::grid",
// CHECK-NEXT:  StageKind::frame, .name = "noise::trial (combinations)", .input = &::jobstream::detail::itemTypeOf<::noise::Params>, .inputName = "Params", {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = 3, .store = &::jobstream::detail::itemTypeOf<::jobstream::detail::SweepState<::noise::Params>>, .newStore = &newStore_1, .enter = &enter_1, .sweep = true},
// CHECK-NEXT:  StageKind::job, .name = "noise::trial", .input = &::jobstream::detail::itemTypeOf<::jobstream::detail::TrialBlock<::noise::Params>>, {{.*}}, .process = &process_2, .owner = 1, .region = 0,
// CHECK-NEXT:  StageKind::frame_end, .name = "noise::trial (statistics)", .input = &::jobstream::detail::itemTypeOf<::jobstream::detail::TrialOutcomes>, {{.*}}, .owner = 1, .region = 0, .partner = 1, {{.*}}, .frameEnd = &frameEnd_3, .leave = &leave_3},
// CHECK-NEXT:  StageKind::emit, .name = "noise::trial (row)",
// CHECK-NEXT:  StageKind::finish, .name = "noise::trial (table)", .input = &::jobstream::detail::itemTypeOf<::jobstream::SweepRow<::noise::Params, ::noise::Outcome>>, .inputName = "jobstream::SweepRow<Params, Outcome>", {{.*}}, .finish = &finish_5, {{.*}}, .sweepTable = true},
// CHECK-NEXT:  };
// CHECK-NOT:   StageKind::print
