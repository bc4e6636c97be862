// The library half of ItemAllocator (jobstream/detail/allocator.hpp): huge
// pages for large vectors, kept blocks for medium ones.
#include "jobstream/detail/allocator.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <new>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace jobstream::detail {
namespace {

// Freed medium blocks, per size class (a power of two from kBlockMin to half
// a huge page). Bounded so that a burst of batches does not stay resident:
// past the bound a freed block goes back to the system.
class BlockCache {
 public:
  static constexpr std::size_t kMaxKeptBytes = std::size_t{64} << 20;

  void* take(std::size_t size) {
    {
      std::lock_guard lock(mutex_);
      std::vector<void*>& kept = kept_[classOf(size)];
      if (!kept.empty()) {
        void* block = kept.back();
        kept.pop_back();
        keptBytes_ -= size;
        return block;
      }
    }
    return ::operator new(size);
  }

  void give(void* block, std::size_t size) noexcept {
    {
      std::lock_guard lock(mutex_);
      if (keptBytes_ + size <= kMaxKeptBytes) {
        try {
          kept_[classOf(size)].push_back(block);
          keptBytes_ += size;
          return;
        } catch (const std::bad_alloc&) {
          // No room to remember it: freed below.
        }
      }
    }
    ::operator delete(block);
  }

 private:
  static std::size_t classOf(std::size_t size) {
    return static_cast<std::size_t>(std::countr_zero(size) - std::countr_zero(kBlockMin));
  }
  static constexpr std::size_t kClasses =
      static_cast<std::size_t>(std::countr_zero(kHugePage) - std::countr_zero(kBlockMin));

  std::mutex mutex_;
  std::array<std::vector<void*>, kClasses> kept_;
  std::size_t keptBytes_ = 0;
};

BlockCache& blockCache() {
  static BlockCache* cache = new BlockCache;  // never destroyed: blocks may be freed during exit
  return *cache;
}

}  // namespace

void* allocateBlock(std::size_t bytes) { return blockCache().take(std::bit_ceil(bytes)); }

void freeBlock(void* memory, std::size_t bytes) noexcept { blockCache().give(memory, std::bit_ceil(bytes)); }

void* allocateHuge(std::size_t bytes) {
  void* memory = std::aligned_alloc(kHugePage, bytes);
  if (memory == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  ::madvise(memory, bytes, MADV_HUGEPAGE);  // advice only: failure changes nothing
#endif
  return memory;
}

void freeHuge(void* memory) noexcept { std::free(memory); }

void adviseHugePages(void* memory, std::size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  const auto begin = reinterpret_cast<std::uintptr_t>(memory);
  const std::uintptr_t first = (begin + kHugePage - 1) / kHugePage * kHugePage;
  const std::uintptr_t last = (begin + bytes) / kHugePage * kHugePage;
  if (last > first) ::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
  (void)memory;
  (void)bytes;
#endif
}

}  // namespace jobstream::detail
