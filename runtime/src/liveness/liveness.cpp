#include "liveness/liveness.hpp"

#include <algorithm>
#include <stdexcept>

#include "messages/wire.hpp"

namespace jobstream::detail {

Liveness::Liveness(Tree& tree, std::chrono::milliseconds timeout)
    : tree_(tree), timeout_(std::max(timeout, std::chrono::milliseconds{0})), interval_(timeout_ / 4) {
  if (timeout_.count() == 0) return;
  if (!tree.root()) neighbours_.push_back(Neighbour{parentOf(tree.rank()), false});
  for (int child : tree.children()) neighbours_.push_back(Neighbour{child, true});
}

Liveness::Neighbour* Liveness::find(int rank) {
  for (Neighbour& neighbour : neighbours_)
    if (neighbour.rank == rank) return &neighbour;
  return nullptr;
}

void Liveness::heard(int source, Clock::time_point now) {
  if (Neighbour* neighbour = find(source)) {
    neighbour->heardOnce = true;
    neighbour->lastHeard = now;
  }
}

void Liveness::onPing(const Message& message) {
  decode<Signal>(message.bytes);
  if (tree_.root() || message.source != parentOf(tree_.rank()))
    throw std::runtime_error("ping out of step (not from this rank's parent)");
  tree_.send(message.source, MessageKind::pong, encode(Signal{}));
}

void Liveness::onPong(const Message& message) {
  decode<Signal>(message.bytes);
  Neighbour* neighbour = find(message.source);
  if (!neighbour || !neighbour->child || !neighbour->pinged)
    throw std::runtime_error("pong out of step (no ping awaits it)");
  neighbour->pinged = false;
}

std::optional<int> Liveness::maybeAct(Clock::time_point now, bool watching) {
  if (!watching) return std::nullopt;
  for (Neighbour& neighbour : neighbours_) {
    if (neighbour.child && !neighbour.pinged && now - neighbour.lastPing >= interval_) {
      tree_.send(neighbour.rank, MessageKind::ping, encode(Signal{}));
      neighbour.pinged = true;
      neighbour.lastPing = now;
    }
    if (neighbour.heardOnce && now - neighbour.lastHeard > timeout_) return neighbour.rank;
  }
  return std::nullopt;
}

bool Liveness::quiet() const {
  return std::none_of(neighbours_.begin(), neighbours_.end(), [](const Neighbour& n) { return n.pinged; });
}

}  // namespace jobstream::detail
