// The stage below a sweep receives one jobstream::SweepRow<P, O> per
// combination: a stage that takes something else gets the usual input
// mismatch, with the row type written as a user writes it.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <cstdint>

namespace rows {
struct Params { double a = 0; int n = 0; };
struct Outcome { double value = 0; };
[[jobstream::sweep]] Outcome trial(const Params& p, std::uint64_t t);
[[jobstream::result]] void show(const Outcome& o);
// CHECK: diag_sweep_row_mismatch.cpp:[[@LINE-1]]:33: error: stage 'rows::show' takes 'Outcome' but 'rows::trial' before it produces 'jobstream::SweepRow<Params, Outcome>'
// CHECK: diag_sweep_row_mismatch.cpp:[[@LINE-3]]:22: note: 'rows::trial' produces 'jobstream::SweepRow<Params, Outcome>' here
}  // namespace rows
