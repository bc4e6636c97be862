// Sweeps lower into frames, so they nest and repeat like frames: a sweep in
// a frame body is a frame inside that frame (its rows go to the frame_end);
// two sweeps in a row are two frames, each with its own description struct
// named after its frame's index; only rows that leave the pipeline get the
// table. [[jobstream::not_thread_safe]] on a sweep applies to the job that
// calls the user's function.
// RUN: %jsgen --dump-model %s %jsgen_flags | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <cstdint>
#include <optional>

namespace nest {
struct Tries { int left = 0; };
[[jobstream::frame]] std::optional<double> outer(Tries& tries, const double& x);
// CHECK:      stage 0 frame nest::outer
// CHECK:        pairs with 5
[[jobstream::sweep, jobstream::not_thread_safe]] double inner(double p, std::uint64_t t);
// CHECK:      stage 1 frame nest::inner (combinations)
// CHECK:        scope frame 0 region 1
// CHECK-NEXT:   pairs with 3
// CHECK-NEXT:   recurs to 2
// CHECK-NEXT:   sweep 0
// CHECK:      stage 2 job nest::inner at
// CHECK:        scope frame 1 region 2
// CHECK-NEXT:   not_thread_safe
// CHECK-NEXT:   sweep 0
// CHECK:      stage 3 frame_end nest::inner (statistics)
// CHECK:        leaves jobstream::SweepRow<double, double>
// CHECK:      stage 4 emit nest::inner (row)
// CHECK:        scope frame 0 region 1
[[jobstream::frame_end]] std::optional<double> again(Tries& tries, const jobstream::SweepRow<double, double>& row);
// CHECK-NEXT:   sweep 0
// CHECK:      stage 5 frame_end nest::again
// CHECK:        leaves double [double]
[[jobstream::emit]] double left(const Tries& tries);
// CHECK:      stage 6 emit nest::left
[[jobstream::sweep]] double second(double p, std::uint64_t t);
// CHECK:      stage 7 frame nest::second (combinations)
// CHECK:        scope top region 0
// CHECK-NEXT:   pairs with 9
// CHECK:      stage 8 job nest::second at
// CHECK:      stage 9 frame_end nest::second (statistics)
// CHECK:      stage 10 emit nest::second (row)
[[jobstream::job]] double pick(const jobstream::SweepRow<double, double>& row);
// CHECK-NOT:  stage 11 finish
// CHECK:      stage 11 job nest::pick
[[jobstream::sweep]] float third(double p, std::uint64_t t);
// CHECK:      stage 12 frame nest::third (combinations)
// CHECK:      stage 15 emit nest::third (row)
// CHECK:      stage 16 finish nest::third (table)
// CHECK-NEXT:   param rows value 'std::vector<jobstream::SweepRow<double, float>>'
// CHECK-NEXT:   input jobstream::SweepRow<double, float>
// CHECK:      sweep 0 nest::inner as sweep_1
// CHECK:      sweep 1 nest::second as sweep_7
// CHECK:      sweep 2 nest::third as sweep_12
// CHECK-NEXT:   params double [double] whole param
// CHECK-NEXT:   outcome float [float] whole value
}  // namespace nest
