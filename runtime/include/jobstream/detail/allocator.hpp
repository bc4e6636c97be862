// The allocator of item vectors (Multiple<T>, batches, wire buffers).
//
// Fan-outs make large vectors that are written once, front to back, and soon
// freed: an init returning 10 million items, a batch received from another
// rank. With 4 KiB pages, first-touching such a vector costs one page fault
// per page, which on virtual machines is 10-25 us each: 80 MB took 0.24 s
// here, twenty times the work done on the items. Large allocations are
// therefore aligned to and marked for transparent huge pages (a no-op where
// the kernel does not offer them), which brings that to ~0.01 s.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

// A template here is instantiated where the user's code uses it, after the
// user's globals: g++ -Wshadow would then blame its parameters and locals
// for sharing a name with any of them.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"

namespace jobstream::detail {

template <class T>
class ItemAllocator {
 public:
  using value_type = T;

  ItemAllocator() = default;
  template <class U>
  ItemAllocator(const ItemAllocator<U>&) noexcept {}  // NOLINT: rebinding is implicit

  T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    const std::size_t bytes = n * sizeof(T);
    if (!isLarge(bytes)) return static_cast<T*>(::operator new(bytes, std::align_val_t{alignof(T)}));
    const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    void* memory = std::aligned_alloc(kHugePage, rounded);
    if (memory == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    ::madvise(memory, rounded, MADV_HUGEPAGE);  // advice only: failure changes nothing
#endif
    return static_cast<T*>(memory);
  }

  void deallocate(T* pointer, std::size_t n) noexcept {
    if (isLarge(n * sizeof(T))) {
      std::free(pointer);
    } else {
      ::operator delete(pointer, std::align_val_t{alignof(T)});
    }
  }

  friend bool operator==(const ItemAllocator&, const ItemAllocator&) { return true; }

 private:
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;
  static constexpr bool isLarge(std::size_t bytes) { return bytes >= kHugePage && alignof(T) <= kHugePage; }
};

}  // namespace jobstream::detail

#pragma GCC diagnostic pop
