// Two pipelines and no main(): the main() jsgen would write could not know
// which to run. The error says how to choose; --no-main or a main() of the
// user's own accepts the file.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
// RUN: %jsgen --no-main %s -o %t.cpp %jsgen_flags
#include <jobstream/jobstream.hpp>

namespace squares {
[[jobstream::job]] int square(int n) { return n * n; }
// CHECK: diag_two_pipelines.cpp:[[@LINE+4]]:24: error: pipeline 'cubes' is this program's second, after 'squares', and no source defines main(); the main() that jsgen writes runs one pipeline: build each pipeline as a program of its own, or write main() and choose one with jobstream::run("cubes", argc, argv)
// CHECK: diag_two_pipelines.cpp:[[@LINE-2]]:24: note: pipeline 'squares' starts here
}  // namespace squares
namespace cubes {
[[jobstream::job]] int cube(int n) { return n * n * n; }
}  // namespace cubes
