// The allocator of item vectors (Multiple<T>, batches, wire buffers).
//
// Fan-outs make large vectors that are written once, front to back, and soon
// freed: an init returning 10 million items, a batch received from another
// rank. With 4 KiB pages, first-touching such a vector costs one page fault
// per page, which on virtual machines is 10-25 us each: 80 MB took 0.24 s
// here, twenty times the work done on the items. Large allocations are
// therefore aligned to and marked for transparent huge pages (a no-op where
// the kernel does not offer them), which brings that to ~0.01 s. That part
// lives in the library (runtime/src/queue/allocator.cpp), so that no operating
// system header reaches the user's code.
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>

#include "jobstream/detail/user_templates.hpp"

JOBSTREAM_TEMPLATES_BEGIN

namespace jobstream::detail {

// Medium allocations (a batch received from another rank, a fan-out's
// batch) come and go at a high rate. Fresh memory costs a page fault per
// 4 KiB page on first touch, so freed blocks from kBlockMin up to a huge
// page are kept (per power-of-two size, a few dozen MiB in all) and given
// to the next allocation of their size: a steady stream of batches touches
// warm pages only. `bytes` is rounded up to its size class; the same
// `bytes` must be given back to freeBlock. Throws std::bad_alloc.
void* allocateBlock(std::size_t bytes);
void freeBlock(void* memory, std::size_t bytes) noexcept;

// `bytes` (a multiple of kHugePage) aligned to a huge page and marked for
// huge pages; throws std::bad_alloc. Freed with freeHuge.
void* allocateHuge(std::size_t bytes);
void freeHuge(void* memory) noexcept;
// Marks the huge pages within [memory, memory + bytes) for transparent huge
// pages, before they are first touched: for memory the caller allocated.
void adviseHugePages(void* memory, std::size_t bytes) noexcept;

inline constexpr std::size_t kHugePage = std::size_t{2} << 20;
inline constexpr std::size_t kBlockMin = std::size_t{128} << 10;

// Constructs no value: ItemAllocator makes a default-initialised item from
// it, which for a trivial type writes nothing (a vector's own resize would
// zero it). Output<T> sizes its batches with it before writing them.
// (The conversion is for the vector's paths that assign over items already
// there, which inserting at the end never takes.)
struct DefaultInit {
  template <class U>
    requires std::is_trivially_default_constructible_v<U>
  constexpr operator U() const noexcept {  // NOLINT: implicit, see above
    return U{};
  }
};

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
    if (isLarge(bytes)) return static_cast<T*>(allocateHuge((bytes + kHugePage - 1) / kHugePage * kHugePage));
    if (isMedium(bytes)) return static_cast<T*>(allocateBlock(bytes));
    return static_cast<T*>(::operator new(bytes, std::align_val_t{alignof(T)}));
  }

  void deallocate(T* pointer, std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (isLarge(bytes)) {
      freeHuge(pointer);
    } else if (isMedium(bytes)) {
      freeBlock(pointer, bytes);
    } else {
      ::operator delete(pointer, std::align_val_t{alignof(T)});
    }
  }

  template <class U>
  void construct(U* place, DefaultInit) noexcept(noexcept(::new (static_cast<void*>(place)) U)) {
    ::new (static_cast<void*>(place)) U;
  }

  friend bool operator==(const ItemAllocator&, const ItemAllocator&) { return true; }

 private:
  static constexpr bool isLarge(std::size_t bytes) { return bytes >= kHugePage && alignof(T) <= kHugePage; }
  static constexpr bool isMedium(std::size_t bytes) {
    return bytes >= kBlockMin && bytes < kHugePage && alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__;
  }
};

}  // namespace jobstream::detail

JOBSTREAM_TEMPLATES_END
