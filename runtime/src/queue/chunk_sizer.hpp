// How many items a worker takes from a task at once, per stage, adapted from
// measurements: a chunk should take roughly half a millisecond, so that
// 1 ms items spread one by one over threads and ranks while 1 ns items run
// in long loops that amortise the queue's lock; and it should not fan out
// into more than kMaxOutputs items, so that depth-first order keeps the
// queue short however much a stage multiplies its input.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "jobstream/detail/stage.hpp"

namespace jobstream::detail {

class ChunkSizer {
 public:
  static constexpr std::size_t kMaxChunk = 16384;
  static constexpr std::size_t kMaxOutputs = 16384;
  static constexpr double kTargetNanoseconds = 500'000;
  static constexpr std::size_t kMaxGrowth = 16;  // per chunk, so one lucky measurement cannot overshoot

  explicit ChunkSizer(std::size_t stages) : chunk_(std::make_unique<std::atomic<std::size_t>[]>(stages)) {
    for (std::size_t i = 0; i != stages; ++i) chunk_[i].store(1, std::memory_order_relaxed);
  }

  std::size_t operator()(StageIndex stage) const { return chunk_[stage].load(std::memory_order_relaxed); }

  void record(StageIndex stage, std::size_t items, std::uint64_t outputs, std::uint64_t nanoseconds) {
    if (items == 0) return;
    const double perItem = std::max(1.0, static_cast<double>(nanoseconds) / static_cast<double>(items));
    double next = kTargetNanoseconds / perItem;
    if (outputs != 0)
      next = std::min(next, static_cast<double>(kMaxOutputs) * static_cast<double>(items) /
                                static_cast<double>(outputs));
    const std::size_t current = chunk_[stage].load(std::memory_order_relaxed);
    const double cap = static_cast<double>(std::min(kMaxChunk, current * kMaxGrowth));
    next = std::clamp(next, 1.0, cap);
    // Threads race here harmlessly: any of their measurements is a fair one.
    chunk_[stage].store(static_cast<std::size_t>(next), std::memory_order_relaxed);
  }

 private:
  std::unique_ptr<std::atomic<std::size_t>[]> chunk_;
};

}  // namespace jobstream::detail
