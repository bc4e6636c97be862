// The tree every collective protocol talks over: termination waves, stop,
// checkpoint pauses, snapshots and resumes all go down from rank 0 to every
// rank and their answers come back up, summed on the way.
//
// Binomial tree rooted at 0: a rank's parent clears its lowest set bit; its
// children add each smaller power of two. Depth log2(N), so a round down and
// back up costs 2(N-1) messages and 2 log2(N) hops.
//
// Called by the communication thread only, like the transport under it.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "messages/message_kind.hpp"
#include "transport/transport.hpp"

namespace jobstream::detail {

inline int parentOf(int rank) { return rank & (rank - 1); }

inline std::vector<int> childrenOf(int rank, int size) {
  std::vector<int> children;
  const int limit = rank == 0 ? size : (rank & -rank);
  for (int step = 1; step < limit && rank + step < size; step <<= 1) children.push_back(rank + step);
  return children;
}

class Tree {
 public:
  explicit Tree(Transport& transport)
      : transport_(transport),
        rank_(transport.rank()),
        size_(transport.size()),
        children_(childrenOf(rank_, size_)) {}

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool root() const { return rank_ == 0; }
  const std::vector<int>& children() const { return children_; }

  // A buffer for a large message (Transport::spareBuffer).
  std::vector<char> spareBuffer(std::size_t capacity) { return transport_.spareBuffer(capacity); }
  void send(int dest, MessageKind kind, std::vector<char> bytes) {
    transport_.send(dest, static_cast<int>(kind), std::move(bytes));
  }
  void toParent(MessageKind kind, std::vector<char> bytes) { send(parentOf(rank_), kind, std::move(bytes)); }
  // One encoding for every child.
  void toChildren(MessageKind kind, const std::vector<char>& bytes) {
    for (int child : children_) send(child, kind, bytes);
  }

 private:
  Transport& transport_;
  const int rank_;
  const int size_;
  const std::vector<int> children_;
};

// The answers a rank still waits for in one round of a protocol (its
// children's, or every other rank's). An answer nobody waits for means the
// ranks disagree about where the protocol is: an error, never ignored.
class Pending {
 public:
  explicit Pending(std::string_view what) : what_(what) {}

  void expect(std::size_t answers) { count_ = answers; }
  // True when this was the last one.
  bool arrived() {
    if (count_ == 0) throw std::runtime_error(fmt::format("{} out of step", what_));
    return --count_ == 0;
  }
  bool none() const { return count_ == 0; }
  std::size_t count() const { return count_; }

 private:
  std::string_view what_;
  std::size_t count_ = 0;
};

}  // namespace jobstream::detail
