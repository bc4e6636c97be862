// The end of a run, once rank 0's waves found it over: rank 0 sends stop down
// the tree. A rank stops asking for work and waits for the answer to its own
// outstanding steal request, then sends stopAck up once its subtree has
// acknowledged. When all have, rank 0 sends exit down the tree. So no
// message is in flight when a rank leaves its loop.
//
// A run told to stop by a signal (termination/signal_stop.hpp) ends the same
// way once its last pause is over; the stop carries the signal, so that
// every rank exits with 128 + it.
#pragma once

#include "transport/tree.hpp"

namespace jobstream::detail {

class Shutdown {
 public:
  explicit Shutdown(Tree& tree) : tree_(tree) {}

  // Rank 0 once the run is over (`signal` 0) or once a signal's last pause
  // is over; the others on the stop message.
  void begin(int signal = 0);
  void onStop(const Message& message);
  void onAcknowledged();
  void onExit();
  // Acknowledges once the subtree has and this rank is `quiet` (no request
  // of its own awaits an answer).
  void maybeAcknowledge(bool quiet);

  bool stopping() const { return stopping_; }
  // The signal that stopped the run, 0 if its work ended it.
  int signal() const { return signal_; }
  // This rank may leave its loop: no message to it is in flight.
  bool over() const { return over_; }

 private:
  void leave();

  Tree& tree_;
  bool stopping_ = false;
  bool acknowledged_ = false;
  bool over_ = false;
  int signal_ = 0;
  Pending acks_{"stop"};
};

}  // namespace jobstream::detail
