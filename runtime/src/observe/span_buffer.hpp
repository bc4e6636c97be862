// One thread's spans, bounded however long the run: when the buffer reaches
// its capacity, neighbouring spans of the same kind closer than a resolution
// are merged into one, the resolution doubling until at most half the
// capacity is used. So a run of a billion items keeps the shape of its
// whole timeline at a coarser grain, never only its beginning.
//
// A merged span keeps the stage of whichever part took longer, sums the
// items and the calls; the stage table (StageTally) stays exact regardless.
// Merging bridges the gap between its parts: at a coarse grain a busy span
// may cover short idle moments.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "observe/record.hpp"

namespace jobstream::detail {

class SpanBuffer {
 public:
  explicit SpanBuffer(std::size_t capacity = 4096) : capacity_(std::max<std::size_t>(capacity, 16)) {}

  void push(const Span& span) {
    if (!spans_.empty() && mergeable(spans_.back(), span, resolution_)) {
      absorb(spans_.back(), span);
      return;
    }
    if (spans_.size() >= capacity_) compact();
    spans_.push_back(span);
  }

  const std::vector<Span>& spans() const { return spans_; }
  std::int64_t resolution() const { return resolution_; }
  std::size_t capacity() const { return capacity_; }

 private:
  static bool mergeable(const Span& a, const Span& b, std::int64_t resolution) {
    if (a.kind != b.kind || a.thread != b.thread) return false;
    // Different stages or peers merge only once the grain is coarse: below
    // a millisecond a viewer can still tell them apart.
    if ((a.stage != b.stage || a.peer != b.peer) && resolution < kMixNs) return false;
    const std::int64_t gap = b.start - (a.start + a.duration);
    return gap <= resolution;
  }

  // `into` followed by `next` on the same thread.
  static void absorb(Span& into, const Span& next) {
    const std::int64_t end = std::max(into.start + into.duration, next.start + next.duration);
    if (next.duration > into.duration) into.stage = next.stage;
    if (next.peer != into.peer) into.peer = -1;  // several
    into.duration = end - into.start;
    into.items += next.items;
    into.calls += next.calls;
  }

  // Kinds interleave (a worker's chunks and its waits; the communication
  // thread's transport calls and steals), so each kind is merged along its
  // own sequence: first at the grain reached so far (interleaved kinds fill
  // the buffer again without merging as they come), then coarser until half
  // the room is free. Once the grain passes the run's length every kind is
  // one span, so the loop ends.
  void compact() {
    std::stable_sort(spans_.begin(), spans_.end(), [](const Span& a, const Span& b) {
      return a.kind != b.kind ? a.kind < b.kind : a.start < b.start;
    });
    if (resolution_ > 0) mergeAt(resolution_);
    while (spans_.size() > capacity_ / 2 && resolution_ < kMaxResolutionNs) {
      resolution_ = std::min(std::max<std::int64_t>(resolution_ * 2, 1000), kMaxResolutionNs);  // from 1 µs up
      mergeAt(resolution_);
    }
    std::sort(spans_.begin(), spans_.end(), [](const Span& a, const Span& b) { return a.start < b.start; });
  }

  void mergeAt(std::int64_t resolution) {
    if (spans_.empty()) return;
    std::size_t out = 0;
    for (std::size_t i = 1; i < spans_.size(); ++i) {
      if (mergeable(spans_[out], spans_[i], resolution)) {
        absorb(spans_[out], spans_[i]);
      } else {
        spans_[++out] = spans_[i];
      }
    }
    spans_.resize(out + 1);
  }

  static constexpr std::int64_t kMixNs = 1'000'000;
  // Coarser than any run (about 36 years): every kind is then one span.
  static constexpr std::int64_t kMaxResolutionNs = std::int64_t{1} << 60;

  std::size_t capacity_;
  std::int64_t resolution_ = 0;
  std::vector<Span> spans_;
};

}  // namespace jobstream::detail
