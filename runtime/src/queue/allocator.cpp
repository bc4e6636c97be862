// The huge-page half of ItemAllocator (jobstream/detail/allocator.hpp).
#include "jobstream/detail/allocator.hpp"

#include <cstdlib>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace jobstream::detail {

void* allocateHuge(std::size_t bytes) {
  void* memory = std::aligned_alloc(kHugePage, bytes);
  if (memory == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  ::madvise(memory, bytes, MADV_HUGEPAGE);  // advice only: failure changes nothing
#endif
  return memory;
}

void freeHuge(void* memory) noexcept { std::free(memory); }

}  // namespace jobstream::detail
