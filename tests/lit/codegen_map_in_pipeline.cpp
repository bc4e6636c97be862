// A mapped job in a namespace with other stages stays a stage of that
// pipeline, and is also mapped; a job that no map call names gets nothing.
// RUN: %jsgen %s %jsgen_flags | FileCheck %s
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
#include <jobstream/jobstream.hpp>

#include <vector>

namespace counts {
[[jobstream::job]] long square(long n) { return n * n; }
[[jobstream::job]] long plusOne(long n) { return n + 1; }
}  // namespace counts

int main(int argc, char** argv) {
  std::vector<long> squares = jobstream::map(counts::square, {1, 2, 3});
  (void)squares;
  return jobstream::run(argc, argv);
}

// CHECK:     registerPipeline(kPipeline)
// CHECK:     MapRegistration<&::counts::square> jsgen_map_0{"counts::square", "long", "long"};
// CHECK-NOT: MapRegistration<&::counts::plusOne>
