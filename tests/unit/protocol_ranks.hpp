// Ranks for protocol tests: N loopback transports and their trees, driven by
// one thread in turns, so a test sees every message a protocol sends and can
// check the state of every rank between any two steps. With chaos on, the
// loopback delays and reorders every message.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "transport/loopback_transport.hpp"
#include "transport/tree.hpp"

namespace jstest {

using namespace jobstream::detail;
using namespace std::chrono_literals;

struct ProtocolRank {
  ProtocolRank(std::shared_ptr<LoopbackHub> hub, int rank) : transport(std::move(hub), rank), tree(transport) {}
  LoopbackTransport transport;
  Tree tree;
};

inline std::vector<std::unique_ptr<ProtocolRank>> protocolRanks(const std::shared_ptr<LoopbackHub>& hub) {
  std::vector<std::unique_ptr<ProtocolRank>> ranks;
  for (int r = 0; r != hub->size(); ++r) ranks.push_back(std::make_unique<ProtocolRank>(hub, r));
  return ranks;
}

// Calls step(rank) for every rank in turn until `over()` holds, or fails the
// test after `limit` (a protocol that stalls). True when `over()` held.
inline bool driveUntil(int ranks, const std::function<void(int)>& step, const std::function<bool()>& over,
                       std::chrono::milliseconds limit = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!over()) {
    if (std::chrono::steady_clock::now() > deadline) {
      ADD_FAILURE() << "the protocol stalled";
      return false;
    }
    for (int r = 0; r != ranks; ++r) step(r);
  }
  return true;
}

inline LoopbackChaos chaosOf(std::uint64_t seed) { return LoopbackChaos{true, seed, 300us}; }

}  // namespace jstest
