// One rank's communication thread: the only thread that calls the
// transport. It moves work that workers made for other ranks, receives work,
// and hands every other message to the protocol it belongs to: stealing
// (stealing/), termination waves, the stop and a stop told by a signal
// (termination/), checkpoints (checkpoint/coordinator.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "rank/rank_impl.hpp"

namespace jobstream::detail {

bool Rank::communicate() {
  bool progress = false;
  const auto now = Liveness::Clock::now();
  for (int i = 0; i != 256; ++i) {
    std::optional<Message> message = transport_.poll();
    if (!message) break;
    liveness_.heard(message->source, now);
    handle(*message);
    progress = true;
  }
  if (const std::optional<int> lost = liveness_.maybeAct(now, !shutdown_.stopping() && !failed_.load())) {
    failWith(lostPeer(*lost));
    // A run that ends failures in order (jobstream::map) needs every rank
    // for that: without the lost one it would wait for ever.
    if (abandon_) endProcess();
  }
  stopIfOver();
  progress |= sendOutbox();
  progress |= checkpoints_.maybeAnswer();
  stealing_.maybeAsk(sizer_, stealingAllowed());
  // A signal makes the next checkpoint due at once, and the last.
  if (options_.stopSignal) signalStop_.heard(options_.stopSignal->load());
  progress |= signalStop_.maybeAct(!shutdown_.stopping() && !failed_.load());
  // A due checkpoint goes before the next wave: waves can follow each other
  // without a gap for as long as the scope tracker has orders to send.
  progress |= checkpoints_.maybeStart(!shutdown_.stopping() && !waves_.active() && !failed_.load());
  progress |= checkpoints_.pump();
  // No wave either while a checkpoint's bytes are still on their way to
  // rank 0: the run must not end before they have arrived (their senders
  // wait for that before they leave).
  const bool wavesNow = checkpoints_.sharesInPlace() && !shutdown_.stopping() && checkpoints_.running() &&
                        !checkpoints_.bytesInFlight();
  progress |= waves_.maybeStart(wavesNow, locallyIdle());
  if (observer_) progress |= observer_->tick();
  stopIfOver();
  shutdown_.maybeAcknowledge(!stealing_.outstanding() && liveness_.quiet());
  return progress;
}

// What the user reads when a neighbour fell silent (liveness/liveness.hpp).
std::string Rank::lostPeer(int peer) const {
  const auto host = [this](int rank) {
    const std::string name = transport_.hostOf(rank);
    return name.empty() ? std::string() : fmt::format(" on host {}", name);
  };
  return fmt::format("rank {}{} has not been heard from for {:g} s (--peer-timeout), as seen by rank {}{}: "
                     "its host may be down or cut off; the run ends",
                     peer, host(peer), std::chrono::duration<double>(liveness_.timeout()).count(), rank_,
                     host(rank_));
}

// Rank 0: the wave that just completed found the run over. At once, before
// anything else can start (a checkpoint of a finished run is refused).
void Rank::stopIfOver() {
  if (waves_.done() && !shutdown_.stopping()) shutdown_.begin();
}

bool Rank::sendOutbox() {
  std::vector<Outgoing> outgoing;
  {
    std::lock_guard lock(outboxMutex_);
    outgoing.swap(outbox_);
  }
  if (outgoing.empty()) return false;
  // Everything for one destination in one message.
  std::stable_sort(outgoing.begin(), outgoing.end(), [](const Outgoing& a, const Outgoing& b) { return a.dest < b.dest; });
  std::vector<Task> tasks;
  for (std::size_t i = 0; i != outgoing.size(); ++i) {
    tasks.push_back(std::move(outgoing[i].task));
    if (i + 1 == outgoing.size() || outgoing[i + 1].dest != outgoing[i].dest) {
      tree_.send(outgoing[i].dest, MessageKind::work, encode(tasks, pipeline_));
      ++tally_.sent;
      tasks.clear();
    }
  }
  return true;
}

void Rank::noteSteal(SpanKind kind, int peer, std::size_t items) {
  if (!recorder_ || !recorder_->spans()) return;
  ThreadLog& log = recorder_->log(commSlot());
  log.span(Span{recorder_->now(), 0, items, 1, 0, peer, log.thread, kind});
}

// Work for this rank (work or stolen): checked, then queued. Returns its items.
std::size_t Rank::receiveWork(const Message& message) {
  std::vector<Task> tasks = decode<std::vector<Task>>(message.bytes, pipeline_);
  for (const Task& task : tasks) {
    const StageDef& stage = pipeline_.stages[task.stage];
    const int required = requiredRank(stage, task.scope, size_);
    if (required >= 0 && required != rank_) throw std::runtime_error("received items for a stage pinned to another rank");
    if (stage.kind == StageKind::init || stage.kind == StageKind::emit)
      throw std::runtime_error("received items for a stage that takes none");
    result_.itemsReceived += task.size();
  }
  std::size_t items = 0;
  for (const Task& task : tasks) items += task.size();
  queue_.pushBack(std::move(tasks));
  ++tally_.received;
  return items;
}

void Rank::handle(Message& message) {
  switch (static_cast<MessageKind>(message.tag)) {
    // Work's bytes are decoded into batches of their own: the buffer goes
    // back to the transport for the next large message.
    case MessageKind::work:
      receiveWork(message);
      transport_.recycle(std::move(message.bytes));
      break;
    case MessageKind::stolenPart:
    case MessageKind::stolen: {
      const std::size_t items = receiveWork(message);
      transport_.recycle(std::move(message.bytes));
      stealing_.received(items, static_cast<MessageKind>(message.tag) == MessageKind::stolen);
      noteSteal(SpanKind::steal, message.source, items);
      break;
    }
    case MessageKind::stealRequest: {
      decode<Signal>(message.bytes);
      std::size_t given = 0;
      try {
        given = stealing_.answer(message.source, stealingAllowed());
      } catch (const SourceFailed& e) {
        fail(e.init(), e.what());  // the user's range or generator, drawn for the thief
        break;
      }
      // Items drawn for the thief are their init's items out, as a worker's draws are.
      for (const auto& [init, items] : queue_.takeDrawnForThieves())
        if (recorder_) recorder_->log(commSlot()).stages[init].itemsOut.add(items);
      if (given != 0) noteSteal(SpanKind::give, message.source, given);
      break;
    }
    case MessageKind::stealRefused:
      decode<Signal>(message.bytes);
      stealing_.refused();
      break;
    case MessageKind::waveRequest:
      waves_.onRequest(message);
      break;
    case MessageKind::waveReply:
      waves_.onReply(message);
      break;
    case MessageKind::stop:
      shutdown_.onStop(message);
      break;
    case MessageKind::stopAck:
      decode<Signal>(message.bytes);
      shutdown_.onAcknowledged();
      break;
    case MessageKind::exit:
      decode<Signal>(message.bytes);
      shutdown_.onExit();
      break;
    case MessageKind::pause:
      checkpoints_.onPause(message);
      break;
    case MessageKind::pauseReply:
      checkpoints_.onPauseReply(message);
      break;
    case MessageKind::snapshot:
      checkpoints_.onSnapshot(message);
      break;
    case MessageKind::snapshotTaken:
      checkpoints_.onSnapshotTaken(message);
      break;
    case MessageKind::snapshotData:
      checkpoints_.onSnapshotData(message);
      break;
    case MessageKind::snapshotPull:
      checkpoints_.onSnapshotPull(message);
      break;
    case MessageKind::resume:
      checkpoints_.onResume(message);
      break;
    case MessageKind::restore:
      checkpoints_.onRestore(message);
      break;
    case MessageKind::restored:
      checkpoints_.onRestored(message);
      break;
    case MessageKind::abandon:
      // Another rank failed: this one stops too (Rank::abandonRun).
      if (!abandon_) throw std::runtime_error("an abandon notice in a run that ends failures otherwise");
      abandon_->onNotice(message);
      failed_.store(true);
      break;
    case MessageKind::ping:
      liveness_.onPing(message);
      break;
    case MessageKind::pong:
      liveness_.onPong(message);
      break;
    case MessageKind::clockPing:
    case MessageKind::clockPong:
    case MessageKind::summary:
    case MessageKind::record:
    case MessageKind::recordTaken:
      if (!observer_) throw std::runtime_error("a message about observing a run that is not observed");
      observer_->handle(message);
      break;
    default:
      throw std::runtime_error(fmt::format("received a message of unknown kind {}", message.tag));
  }
}

}  // namespace jobstream::detail
