// A sweep of one double to one double: P is the column "param", O the
// column "value", both whole (no member access), and the row goes on to a
// result that takes const jobstream::SweepRow<double, double>&, so there is
// no table. The generated code compiles with both compilers.
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --input-file=%t.cpp
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
#include <jobstream/jobstream.hpp>

#include <cstdint>
#include <iostream>

namespace square {
[[jobstream::sweep]] double noisy(double x, std::uint64_t trial) {
  return x * x + static_cast<double>(trial % 3) - 1.0;
}

[[jobstream::result]] void show(const jobstream::SweepRow<double, double>& row) {
  std::cout << row.params << ' ' << row.mean << " +- " << row.err << '\n';
}
}  // namespace square

// CHECK-LABEL: struct sweep_0 {
// CHECK-NEXT:    using Params = double;
// CHECK-NEXT:    using Outcome = double;
// CHECK-NEXT:    static constexpr std::string_view name = "square::noisy";
// CHECK-NEXT:    static constexpr std::array<std::string_view, 1> paramColumns{"param"};
// CHECK-NEXT:    static constexpr std::array<std::string_view, 1> outcomeColumns{"value"};
// CHECK-NEXT:    static Outcome trial(const Params& p, std::uint64_t t) { return ::square::noisy(p, t); }
// CHECK-NEXT:    static void outcomes(const Outcome& o, double* to) {
// CHECK-NEXT:      to[0] = static_cast<double>(o);
// CHECK-NEXT:    }
// CHECK-NEXT:    static Outcome outcome(const double* from) {
// CHECK-NEXT:      return ::jobstream::detail::sweepValue<Outcome>(from[0]);
// CHECK-NEXT:    }
// CHECK-NEXT:    static void params(const Params& p, std::vector<std::string>& to) {
// CHECK-NEXT:      to.push_back(::jobstream::detail::sweepText(p));
// CHECK-NEXT:    }
// CHECK-NEXT:    static bool less(const Params& x, const Params& y) {
// CHECK-NEXT:      return x < y;
// CHECK-NEXT:    }
// CHECK-NEXT:  };

// CHECK-LABEL: void leave_2(
// CHECK:         ::jobstream::detail::Output<::jobstream::SweepRow<double, double>> out(emitter, 4);
// CHECK-LABEL: void process_4(
// CHECK:         ::square::show(items[i]);

// CHECK-LABEL: kStages[] = {
// CHECK-NEXT:  StageKind::frame, .name = "square::noisy (combinations)", {{.*}}, .sweep = true},
// CHECK-NEXT:  StageKind::job, .name = "square::noisy",
// CHECK-NEXT:  StageKind::frame_end, .name = "square::noisy (statistics)",
// CHECK-NEXT:  StageKind::emit, .name = "square::noisy (row)",
// CHECK-NEXT:  StageKind::result, .name = "square::show", .input = &::jobstream::detail::itemTypeOf<::jobstream::SweepRow<double, double>>, .inputName = "jobstream::SweepRow<double, double>",
// CHECK-NEXT:  };
// CHECK-NOT:   sweepTable
