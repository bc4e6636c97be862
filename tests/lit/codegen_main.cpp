// main() is generated unless a source defines one or --no-main is given.
// RUN: %jsgen %s %jsgen_flags | FileCheck %s --check-prefix=GENERATED
// RUN: %jsgen --no-main %s %jsgen_flags | FileCheck %s --check-prefix=NONE
// RUN: %jsgen %s %jsgen_flags -DUSER_MAIN | FileCheck %s --check-prefix=NONE
// RUN: %jsgen %s -o %t.cpp %jsgen_flags -DUSER_MAIN
// RUN: %cxx_gcc -DUSER_MAIN %t.cpp
// RUN: %cxx_clang -DUSER_MAIN %t.cpp
#include <jobstream/jobstream.hpp>

namespace squares {
[[jobstream::job]] long square(long n) { return n * n; }
}  // namespace squares

#ifdef USER_MAIN
int main(int argc, char** argv) { return jobstream::run(argc, argv, {1L, 2L, 3L}); }
#endif

// GENERATED: int main(int argc, char** argv) { return ::jobstream::run(argc, argv); }
// NONE:      registerPipeline(kPipeline)
// NONE-NOT:  int main
