// Whether the ranks this one talks to are still there. A host can die, or
// stop answering without dying (a cut link, a hung kernel); MPI then waits,
// often for as long as TCP takes to give up (about 15 minutes with Linux's
// defaults). jobstream notices within --peer-timeout instead.
//
//   1. Each rank watches its neighbours in the tree (transport/tree.hpp):
//      its parent and its children, so every rank is watched by one or more
//      others at a cost of two messages per tree edge and interval, however
//      many ranks there are.
//   2. A parent pings each child every timeout/4 (one ping outstanding per
//      child); the child answers with a pong. Any message from a neighbour
//      counts as hearing from it: a busy run sends plenty. So a child hears
//      its parent, and a parent its child, at least every timeout/4 plus a
//      pass of the loop while both communication threads run (they poll
//      every few milliseconds, whatever the workers do).
//   3. A neighbour heard from once and then silent for longer than the
//      timeout is lost: the run fails, naming it and its host. A rank not
//      yet heard from is not timed: a rank may start its loop late (rank 0
//      reads a large checkpoint first), and one that never starts fails the
//      launch itself.
//   4. Pings stop once the run's stop has begun, and so does the watch (the
//      stop protocol's own messages are the last ones). A rank acknowledges
//      the stop only once its pings are answered (quiet()), so that, as the
//      stop promises, no message is in flight when a rank leaves its loop.
//
// Communication thread only. A timeout of zero watches nothing.
#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include "transport/tree.hpp"

namespace jobstream::detail {

class Liveness {
 public:
  using Clock = std::chrono::steady_clock;

  Liveness(Tree& tree, std::chrono::milliseconds timeout);

  // Any message from `source`, on its arrival.
  void heard(int source, Clock::time_point now);
  void onPing(const Message& message);
  void onPong(const Message& message);

  // Every pass of the loop while the run goes on (`watching`: no stop under
  // way): sends the pings that are due and returns a neighbour that has
  // been silent too long, if any.
  std::optional<int> maybeAct(Clock::time_point now, bool watching);

  // No ping of this rank awaits its pong.
  bool quiet() const;

  std::chrono::milliseconds timeout() const { return timeout_; }

 private:
  struct Neighbour {
    int rank = 0;
    bool child = false;
    bool heardOnce = false;
    bool pinged = false;  // a ping awaits its pong
    Clock::time_point lastHeard{};
    Clock::time_point lastPing{};
  };
  Neighbour* find(int rank);

  Tree& tree_;
  std::chrono::milliseconds timeout_;
  std::chrono::milliseconds interval_;
  std::vector<Neighbour> neighbours_;
};

}  // namespace jobstream::detail
