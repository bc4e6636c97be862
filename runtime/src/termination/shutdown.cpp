#include "termination/shutdown.hpp"

#include <stdexcept>

#include "messages/wire.hpp"

namespace jobstream::detail {

void Shutdown::begin(int signal) {
  if (stopping_) throw std::runtime_error("stopped twice");
  stopping_ = true;
  signal_ = signal;
  acks_.expect(tree_.children().size());
  tree_.toChildren(MessageKind::stop, encode(StopOrder{signal}));
}

void Shutdown::onStop(const Message& message) {
  const StopOrder order = decode<StopOrder>(message.bytes);
  if (tree_.root()) throw std::runtime_error("stop out of step (rank 0 told to stop)");
  begin(order.signal);
}

void Shutdown::onAcknowledged() {
  if (!stopping_) throw std::runtime_error("stop out of step (an acknowledgement before the stop)");
  acks_.arrived();
}

void Shutdown::onExit() {
  if (tree_.root() || !acknowledged_) throw std::runtime_error("stop out of step (exit before the acknowledgement)");
  leave();
}

void Shutdown::maybeAcknowledge(bool quiet) {
  if (!stopping_ || acknowledged_ || !acks_.none() || !quiet) return;
  acknowledged_ = true;
  if (tree_.root()) {
    leave();
  } else {
    tree_.toParent(MessageKind::stopAck, encode(Signal{}));
  }
}

void Shutdown::leave() {
  tree_.toChildren(MessageKind::exit, encode(Signal{}));
  over_ = true;
}

}  // namespace jobstream::detail
