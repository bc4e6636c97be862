// One rank's communication thread: the only thread that calls the
// transport. It moves work that workers made for other ranks, receives work,
// and hands every other message to the protocol it belongs to: stealing
// (stealing/), termination waves and the stop (termination/), checkpoints
// (rank_checkpoint.cpp).
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "rank/rank_impl.hpp"

namespace jobstream::detail {

bool Rank::communicate() {
  bool progress = false;
  for (int i = 0; i != 256; ++i) {
    std::optional<Message> message = transport_.poll();
    if (!message) break;
    handle(*message);
    progress = true;
  }
  stopIfOver();
  progress |= sendOutbox();
  progress |= maybeAnswerPause();
  stealing_.maybeAsk(sizer_, stealingAllowed());
  // A due checkpoint goes before the next wave: waves can follow each other
  // without a gap for as long as the scope tracker has orders to send.
  progress |= maybeCheckpoint();
  // No wave either while a checkpoint's bytes are still on their way to
  // rank 0: the run must not end before they have arrived (their senders
  // wait for that before they leave).
  const bool wavesNow = wavesAllowed_ && !shutdown_.stopping() && pause_ == Pause::running && snapshots_.none();
  progress |= waves_.maybeStart(wavesNow, locallyIdle());
  stopIfOver();
  shutdown_.maybeAcknowledge(!stealing_.outstanding());
  return progress;
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

// Work for this rank (work or stolen): checked, then queued.
void Rank::receiveWork(const Message& message) {
  std::vector<Task> tasks = decode<std::vector<Task>>(message.bytes, pipeline_);
  for (const Task& task : tasks) {
    const StageDef& stage = pipeline_.stages[task.stage];
    const int required = requiredRank(stage, task.scope, size_);
    if (required >= 0 && required != rank_) throw std::runtime_error("received items for a stage pinned to another rank");
    if (stage.kind == StageKind::init || stage.kind == StageKind::emit)
      throw std::runtime_error("received items for a stage that takes none");
    result_.itemsReceived += task.size();
  }
  queue_.pushBack(std::move(tasks));
  ++tally_.received;
}

void Rank::handle(Message& message) {
  switch (static_cast<MessageKind>(message.tag)) {
    case MessageKind::work:
      receiveWork(message);
      break;
    case MessageKind::stolen:
      receiveWork(message);
      stealing_.received();
      break;
    case MessageKind::stealRequest:
      decode<Signal>(message.bytes);
      stealing_.answer(message.source, stealingAllowed());
      break;
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
      decode<Signal>(message.bytes);
      shutdown_.onStop();
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
      if (rank_ == 0) throw std::runtime_error("checkpoint out of step (rank 0 asked to pause)");
      beginPauseRound(decode<PauseOrder>(message.bytes).round);
      break;
    case MessageKind::pauseReply: {
      const PauseReply reply = decode<PauseReply>(message.bytes);
      if (reply.round != pauseRound_) throw std::runtime_error("checkpoint out of step (pause reply)");
      pauseReplies_.arrived();
      pauseSums_.sent += reply.sent;
      pauseSums_.received += reply.received;
      break;
    }
    case MessageKind::snapshot:
      decode<Signal>(message.bytes);
      if (rank_ == 0) throw std::runtime_error("checkpoint out of step (rank 0 asked for a snapshot)");
      takeSnapshot();
      break;
    case MessageKind::snapshotTaken:
      decode<Signal>(message.bytes);
      if (rank_ != 0 || pause_ != Pause::snapshotTaken) throw std::runtime_error("checkpoint out of step (snapshot taken)");
      if (taken_.arrived()) snapshotTaken();
      break;
    case MessageKind::snapshotData:
      gathered(decode<std::vector<CheckpointSection>>(message.bytes));
      break;
    case MessageKind::resume:
      decode<Signal>(message.bytes);
      tree_.toChildren(MessageKind::resume, encode(Signal{}));
      resumeWork();
      break;
    case MessageKind::restore:
      if (!awaitingRestore_) throw std::runtime_error("received a share of a checkpoint twice");
      applyRestore(decode<std::vector<CheckpointSection>>(message.bytes));
      awaitingRestore_ = false;
      startWorkers();
      tree_.send(0, MessageKind::restored, encode(Signal{}));
      break;
    case MessageKind::restored:
      decode<Signal>(message.bytes);
      if (rank_ != 0) throw std::runtime_error("resume out of step (a share acknowledged to another rank than 0)");
      if (restoreAcks_.arrived()) wavesAllowed_ = true;
      break;
    default:
      throw std::runtime_error(fmt::format("received a message of unknown kind {}", message.tag));
  }
}

}  // namespace jobstream::detail
