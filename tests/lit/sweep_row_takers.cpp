// Below a sweep, a result, a finish or a job takes its rows as
// jobstream::SweepRow<P, O>; the rows then do not leave the pipeline, so no
// table is printed. A job's output goes to the default printer as usual.
// RUN: %jsgen --dump-model %s %jsgen_flags -DTAKER=1 | FileCheck %s --check-prefixes=CHECK,RESULT
// RUN: %jsgen --dump-model %s %jsgen_flags -DTAKER=2 | FileCheck %s --check-prefixes=CHECK,FINISH
// RUN: %jsgen --dump-model %s %jsgen_flags -DTAKER=3 | FileCheck %s --check-prefixes=CHECK,JOB
#include <jobstream/jobstream.hpp>

#include <cstdint>
#include <vector>

namespace takers {
struct Params { double a = 0; int n = 0; };
struct Outcome { double value = 0; double cost = 0; };
using Row = jobstream::SweepRow<Params, Outcome>;
[[jobstream::sweep]] Outcome trial(const Params& p, std::uint64_t t);
#if TAKER == 1
[[jobstream::result]] void show(const jobstream::SweepRow<Params, Outcome>& row);
#elif TAKER == 2
[[jobstream::finish]] void all(std::vector<Row> rows);
#else
[[jobstream::job]] double mean(const Row& row) { return row.mean.value; }
#endif
}  // namespace takers

// CHECK:       stage 3 emit takers::trial (row)
// CHECK:         returns value 'jobstream::SweepRow<Params, Outcome>' item jobstream::SweepRow<Params, Outcome> [::jobstream::SweepRow<::takers::Params, ::takers::Outcome>]
// RESULT-NEXT:   store
// RESULT-NEXT:   scope top region 0
// RESULT-NEXT:   sweep 0
// RESULT-NEXT: stage 4 result takers::show
// RESULT-NEXT:   param row const_ref 'const jobstream::SweepRow<Params, Outcome> &'
// FINISH:      stage 4 finish takers::all
// FINISH-NEXT:   param rows value 'std::vector<Row>'
// JOB:         stage 4 job takers::mean
// JOB-NEXT:      param row const_ref 'const Row &'
// CHECK-NOT:   (table)
// CHECK:       sweep 0 takers::trial as sweep_0
// The row's types are serialised: P and O get a serialize each.
// CHECK-DAG:   type ::takers::Params generate
// CHECK-DAG:   type ::takers::Outcome generate
