// What a user's translation unit includes (the public header, and the
// generated code's header) brings no operating-system header with it:
// <sys/mman.h> and friends stay inside libjobstream. (<unistd.h> is left
// out of the check: the C++ library's own <memory> brings it.)
// RUN: %cxx_gcc %s
// RUN: %cxx_clang %s
#include <jobstream/detail/generated.hpp>
#include <jobstream/jobstream.hpp>

#if defined(_SYS_MMAN_H) || defined(MAP_FAILED) || defined(MADV_HUGEPAGE) || defined(_FCNTL_H) || \
    defined(_SYS_STAT_H)
#error an operating-system header reached user code
#endif

int main() { return 0; }
