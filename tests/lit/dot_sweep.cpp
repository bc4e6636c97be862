// jsgen --dot: a sweep is one node named after the user's function, with
// what it takes, measures and emits, not the frame it is lowered into; its
// rows flow to the stage below it, or are printed as the table.
// RUN: %jsgen --no-main %s -o %t.cpp --dot %t.dot %jsgen_flags
// RUN: FileCheck %s --input-file=%t.dot
#include <jobstream/jobstream.hpp>

#include <cstdint>

namespace noise {
struct Params { double a = 0; int n = 0; };
struct Outcome { double value = 0; double cost = 0; };
[[jobstream::init]] jobstream::Multiple<Params> grid();
[[jobstream::sweep]] Outcome trial(const Params& p, std::uint64_t trial);
}  // namespace noise

namespace onward {
[[jobstream::sweep]] double trial(double p, std::uint64_t trial);
[[jobstream::result]] void show(const jobstream::SweepRow<double, double>& row);
}  // namespace onward

// CHECK:      subgraph cluster_p0 {
// CHECK-NEXT:   label="pipeline noise";
// CHECK-NEXT:   style=solid;
// CHECK-NEXT:   p0_s0 [label="init noise::grid\njobstream::Multiple<Params>", shape=invhouse];
// CHECK-NEXT:   p0_s1 [label="sweep noise::trial\nParams -> Outcome\nrows jobstream::SweepRow<Params, Outcome>\nprinted as a table"];
// CHECK-NEXT: }
// CHECK-NEXT: p0_s0 -> p0_s1;
// CHECK-NEXT: subgraph cluster_p1 {
// CHECK-NEXT:   label="pipeline onward";
// CHECK-NEXT:   style=solid;
// CHECK-NEXT:   p1_s0 [label="sweep onward::trial\ndouble -> double\nrows jobstream::SweepRow<double, double>"];
// CHECK-NEXT:   p1_s4 [label="result onward::show\njobstream::SweepRow<double, double> -> void"];
// CHECK-NEXT: }
// CHECK-NEXT: p1_s0 -> p1_s4;
// CHECK-NEXT: }
