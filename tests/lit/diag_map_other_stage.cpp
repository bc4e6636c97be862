// A stage of another kind that takes one item and returns a value (here an
// emit) is not mapped either.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <span>
#include <vector>

namespace sums {
[[jobstream::job]] int keep(int n) { return n; }
[[jobstream::reduce]] void add(long& sum, std::span<const int> in, std::span<const long> others) {
  for (int n : in) sum += n;
  for (long s : others) sum += s;
}
[[jobstream::emit]] double half(const long& sum) { return static_cast<double>(sum) / 2; }
}  // namespace sums

int main(int argc, char** argv) {
  auto out = jobstream::map(&sums::half, {1L});
  // CHECK: diag_map_other_stage.cpp:[[@LINE-1]]:29: error: jobstream::map maps a {{\[\[}}jobstream::job{{\]\]}} function; 'sums::half' is a {{\[\[}}jobstream::emit{{\]\]}} stage
  // CHECK: diag_map_other_stage.cpp:[[@LINE-6]]:28: note: 'sums::half' is declared here{{$}}
  (void)out;
  return jobstream::run(argc, argv);
}
