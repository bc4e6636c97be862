#include "checkpoint/coordinator.hpp"

#include <fmt/format.h>

#include <ctime>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "jobstream/detail/report.hpp"

namespace jobstream::detail {

namespace {

double secondsSince(Checkpoints::Clock::time_point start) {
  return std::chrono::duration<double>(Checkpoints::Clock::now() - start).count();
}

}  // namespace

Checkpoints::Checkpoints(Tree& tree, const PipelineDef& pipeline, CheckpointParticipant& participant,
                         std::string file, double intervalSeconds, RunResult& result, CheckpointLimits limits)
    : tree_(tree),
      pipeline_(pipeline),
      participant_(participant),
      file_(std::move(file)),
      intervalSeconds_(intervalSeconds),
      result_(result),
      limits_{std::max<std::size_t>(limits.pieceBytes, 1), std::max(limits.bufferBytes, limits.pieceBytes)},
      nextAt_(Clock::now() + interval()) {}

Checkpoints::~Checkpoints() = default;

// At most a century (what the clock can add without overflowing, and then
// some); anything longer, or not a number, means no checkpoint this run.
Checkpoints::Clock::duration Checkpoints::interval() const {
  constexpr double kCentury = 100.0 * 365 * 24 * 3600;
  const double seconds = intervalSeconds_;
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(seconds > 0 && seconds < kCentury ? seconds : kCentury));
}

bool Checkpoints::maybeStart(bool allowed) {
  if (!tree_.root() || (file_.empty() && !last_)) return false;
  if (writer_ && writer_->done()) collectWriter(false);
  if (!allowed || pause_ != Pause::running || !restoreAcks_.none() || !snapshots_.none() || writer_) return false;
  if (Clock::now() < nextAt_) return false;
  pauseStartedAt_ = Clock::now();
  beginRound(1);
  return true;
}

void Checkpoints::makeLast() {
  if (!tree_.root()) throw std::logic_error("only rank 0 decides on the last checkpoint");
  last_ = true;
  nextAt_ = Clock::now();
}

bool Checkpoints::lastOver() const {
  return lastHeld_ && (file_.empty() || (snapshots_.none() && !writer_));
}

void Checkpoints::beginRound(std::uint32_t round) {
  if (round == 1) {
    if (pause_ != Pause::running) throw std::runtime_error("checkpoint out of step (paused twice)");
    pause_ = Pause::quiescing;
    participant_.hold();
  } else if (pause_ != Pause::still) {
    throw std::runtime_error("checkpoint out of step (a counting round before the pause)");
  }
  round_ = round;
  answered_ = false;
  sums_ = PauseReply{round, 0, 0};
  replies_.expect(tree_.children().size());
  if (!tree_.children().empty()) tree_.toChildren(MessageKind::pause, encode(PauseOrder{round}));
}

void Checkpoints::onPause(const Message& message) {
  if (tree_.root()) throw std::runtime_error("checkpoint out of step (rank 0 asked to pause)");
  beginRound(decode<PauseOrder>(message.bytes).round);
}

void Checkpoints::onPauseReply(const Message& message) {
  const PauseReply reply = decode<PauseReply>(message.bytes);
  if (reply.round != round_) throw std::runtime_error("checkpoint out of step (pause reply)");
  replies_.arrived();
  sums_.sent += reply.sent;
  sums_.received += reply.received;
}

// Answers the round once this rank is still and its subtree has answered;
// on rank 0, judges the round.
bool Checkpoints::maybeAnswer() {
  if ((pause_ != Pause::quiescing && pause_ != Pause::still) || answered_ || !replies_.none() ||
      !participant_.still())
    return false;
  const WorkTally tally = participant_.settle();
  pause_ = Pause::still;
  answered_ = true;
  PauseReply reply = sums_;
  reply.sent += tally.sent;
  reply.received += tally.received;
  if (!tree_.root()) {
    tree_.toParent(MessageKind::pauseReply, encode(reply));
    return true;
  }
  if (reply.sent == reply.received) {
    if (file_.empty()) {
      lastHeld_ = true;  // only a last pause has no file: the ranks are still, and stay so
    } else {
      takeSnapshot();
    }
  } else {
    beginRound(round_ + 1);
  }
  return true;
}

void Checkpoints::onSnapshot(const Message& message) {
  decode<Signal>(message.bytes);
  if (tree_.root() || pause_ != Pause::still) throw std::runtime_error("checkpoint out of step (snapshot)");
  takeSnapshot();
}

void Checkpoints::takeSnapshot() {
  tree_.toChildren(MessageKind::snapshot, encode(Signal{}));
  const auto rank = static_cast<std::uint32_t>(tree_.rank());
  std::vector<CheckpointSection> sections = encodeRankState(pipeline_, rank, participant_.state());
  pause_ = Pause::snapshotTaken;
  if (!tree_.root()) {
    outgoing_.assign(std::make_move_iterator(sections.begin()), std::make_move_iterator(sections.end()));
    outgoingOffset_ = 0;
    tree_.send(0, MessageKind::snapshotTaken, encode(Signal{}));
    return;
  }
  for (CheckpointSection& section : encodeGlobalState(pipeline_, participant_.globalState()))
    sections.push_back(std::move(section));
  own_ = std::move(sections);  // written once the pause is over (snapshotTaken)
  takenBy_.assign(static_cast<std::size_t>(tree_.size()), false);
  takenBy_[0] = true;
  pullFrom_ = 1;
  pullOutstanding_ = false;
  taken_.expect(static_cast<std::size_t>(tree_.size() - 1));
  snapshots_.expect(static_cast<std::size_t>(tree_.size() - 1));
  if (taken_.none()) snapshotTaken();
  pumpSnapshot();
}

void Checkpoints::onSnapshotTaken(const Message& message) {
  decode<Signal>(message.bytes);
  if (!tree_.root() || pause_ != Pause::snapshotTaken || message.source <= 0 || message.source >= tree_.size() ||
      takenBy_[static_cast<std::size_t>(message.source)])
    throw std::runtime_error("checkpoint out of step (snapshot taken)");
  takenBy_[static_cast<std::size_t>(message.source)] = true;
  if (taken_.arrived()) snapshotTaken();
  pumpSnapshot();
}

// Rank 0: every rank's state is encoded, so the run goes on, unless this
// is the last pause; and the file is begun. Not sooner: the writer would
// take the cores the other ranks encode with, and lengthen the pause.
void Checkpoints::snapshotTaken() {
  writer_ = std::make_unique<StreamWriter>(file_, std::string(pipeline_.name), std::string(pipeline_.fingerprint),
                                           static_cast<std::uint32_t>(tree_.size()),
                                           static_cast<std::int64_t>(std::time(nullptr)));
  committed_ = false;
  result_.checkpointBytes = 0;
  for (CheckpointSection& section : own_) {  // rank 0's own: not counted against the buffer
    result_.checkpointBytes += section.bytes.size();
    const std::uint64_t size = section.bytes.size();
    writer_->push(SectionPiece{std::move(section.name), section.rank, size, 0, std::move(section.bytes)}, false);
  }
  own_.clear();
  if (last_) {
    result_.checkpointPauses.push_back(secondsSince(pauseStartedAt_));
    lastHeld_ = true;
    return;
  }
  tree_.toChildren(MessageKind::resume, encode(Signal{}));
  pause_ = Pause::running;
  participant_.resume();
  result_.checkpointPauses.push_back(secondsSince(pauseStartedAt_));
  nextAt_ = Clock::now() + interval();
}

void Checkpoints::onResume(const Message& message) {
  decode<Signal>(message.bytes);
  if (pause_ != Pause::snapshotTaken) throw std::runtime_error("checkpoint out of step (resume)");
  tree_.toChildren(MessageKind::resume, encode(Signal{}));
  pause_ = Pause::running;
  participant_.resume();
}

// Another rank: rank 0 asks for the next pieces of this rank's state.
void Checkpoints::onSnapshotPull(const Message& message) {
  const SnapshotPull pull = decode<SnapshotPull>(message.bytes);
  if (tree_.root() || outgoing_.empty()) throw std::runtime_error("checkpoint out of step (pieces asked for)");
  SectionPieces answer;
  std::uint64_t budget = std::max<std::uint64_t>(pull.budget, 1);
  while (!outgoing_.empty()) {
    CheckpointSection& section = outgoing_.front();
    const std::uint64_t size = section.bytes.size();
    const std::uint64_t n = std::min(budget, size - outgoingOffset_);
    if (n == 0 && size != 0) break;  // the budget is spent
    const auto from = section.bytes.begin() + static_cast<std::ptrdiff_t>(outgoingOffset_);
    answer.pieces.push_back(SectionPiece{section.name, section.rank, size, outgoingOffset_,
                                         std::vector<char>(from, from + static_cast<std::ptrdiff_t>(n))});
    budget -= n;
    outgoingOffset_ += n;
    if (outgoingOffset_ == size) {
      outgoing_.pop_front();  // taken: this rank need not hold it any more
      outgoingOffset_ = 0;
    }
  }
  answer.last = outgoing_.empty();
  tree_.send(0, MessageKind::snapshotData, encode(answer));
}

// Rank 0: pieces of the rank it asked, in order: to the writer.
void Checkpoints::onSnapshotData(const Message& message) {
  SectionPieces answer = decode<SectionPieces>(message.bytes);
  if (!tree_.root() || !writer_ || !pullOutstanding_ || message.source != pullFrom_)
    throw std::runtime_error("checkpoint out of step (pieces nobody asked for)");
  pullOutstanding_ = false;
  for (SectionPiece& piece : answer.pieces) {
    if (piece.rank != static_cast<std::uint32_t>(pullFrom_))
      throw std::runtime_error("checkpoint out of step (a piece of another rank's state)");
    result_.checkpointBytes += piece.bytes.size();
    writer_->push(std::move(piece), true);
  }
  noteBuffered(writer_->counted());
  if (answer.last) {
    snapshots_.arrived();
    ++pullFrom_;
  }
  pumpSnapshot();
}

void Checkpoints::noteBuffered(std::size_t bytes) {
  peakBuffered_ = std::max(peakBuffered_, bytes);
  result_.checkpointBuffered = peakBuffered_;
}

bool Checkpoints::pump() {
  if (!tree_.root()) return false;
  const bool pulled = pumpSnapshot();  // both, whatever the first did
  const bool sent = pumpShares();
  return pulled || sent;
}

// Rank 0: asks for the next pieces when the writer has room for them; once
// every rank's are in, the file can be finished.
bool Checkpoints::pumpSnapshot() {
  if (!writer_ || committed_) return false;
  const int ranks = tree_.size();
  if (pullFrom_ == ranks) {
    writer_->commit();
    committed_ = true;
    return true;
  }
  if (pullOutstanding_ || !takenBy_[static_cast<std::size_t>(pullFrom_)]) return false;
  const std::size_t held = writer_->counted();
  if (held + limits_.pieceBytes > limits_.bufferBytes) return false;
  noteBuffered(held + limits_.pieceBytes);
  tree_.send(pullFrom_, MessageKind::snapshotPull, encode(SnapshotPull{limits_.pieceBytes}));
  pullOutstanding_ = true;
  return true;
}

bool Checkpoints::collectWriter(bool wait) {
  if (!writer_ || (!wait && !writer_->done())) return false;
  const bool whole = committed_;
  if (!whole) writer_->abandon();  // its pieces will not all come: the run is ending
  writer_->join();
  const std::string error = writer_->error();
  const double seconds = writer_->seconds();
  writer_.reset();
  lastWriteOk_ = whole && error.empty();
  if (!whole) {
    reportWarning(std::cerr, fmt::format("checkpoint '{}' was not finished: the run ended while rank 0 was "
                                         "still gathering it; the previous checkpoint, if any, is unchanged",
                                         file_));
    return true;
  }
  if (!error.empty()) {
    // A write is collected during a pause only when that pause is the last.
    reportWarning(std::cerr, error + (pause_ == Pause::running ? "; the run goes on" : ""));
    return true;
  }
  ++written_;
  // One line per checkpoint (every ten minutes by default), as job_stream
  // said "Checkpoint took N ms": a long run shows it is safe, and how much
  // its checkpoints cost.
  {
    const ClearLiveLine clear;  // not in the middle of the progress line
    std::cerr << fmt::format("jobstream: checkpoint {} written to '{}': {} of state; the run paused {:.3f} s, "
                             "the write took {:.3f} s",
                             written_, file_, bytesText(result_.checkpointBytes),
                             result_.checkpointPauses.empty() ? 0.0 : result_.checkpointPauses.back(), seconds)
              << std::endl;
  }
  participant_.written(written_);
  return true;
}

void Checkpoints::sendShares(ResumePlan plan) {
  if (!tree_.root() || plan.shares.size() != static_cast<std::size_t>(tree_.size()) ||
      plan.counters.size() != plan.shares.size())
    throw std::logic_error("resuming without a share for every rank");
  plan_ = std::move(plan);
  cursors_.assign(static_cast<std::size_t>(tree_.size()), ShareCursor{});
  restoreAcks_.expect(static_cast<std::size_t>(tree_.size() - 1));
  // Rank 0's own share, a section at a time.
  const CheckpointReader& file = *plan_->file;
  try {
    participant_.restoreSection(plan_->counters[0]);
    for (const std::size_t s : plan_->shares[0]) {
      const SectionEntry& entry = file.index().sections[s];
      participant_.restoreSection(CheckpointSection{entry.name, entry.rank, file.read(entry)});
    }
  } catch (const CheckpointError&) {
    throw;
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("checkpoint '{}' does not fit this pipeline although its fingerprint "
                                         "does: {}",
                                         file_, e.what()));
  }
  participant_.restoreDone();
  pumpShares();
}

// Rank 0, resuming: the next message of each share whose last one was
// acknowledged, while what is unacknowledged stays within the buffer.
bool Checkpoints::pumpShares() {
  if (!plan_) return false;
  const int ranks = tree_.size();
  std::size_t unacknowledged = 0;
  for (const ShareCursor& cursor : cursors_) unacknowledged += cursor.unacknowledged;
  bool progress = false;
  for (int step = 1; step < ranks; ++step) {
    const int r = nextShare_;
    nextShare_ = nextShare_ + 1 < ranks ? nextShare_ + 1 : 1;
    ShareCursor& cursor = cursors_[static_cast<std::size_t>(r)];
    if (cursor.unacknowledged != 0 || cursor.sentLast) continue;
    if (unacknowledged + limits_.pieceBytes > limits_.bufferBytes) break;
    const std::vector<std::size_t>& share = plan_->shares[static_cast<std::size_t>(r)];
    const CheckpointReader& file = *plan_->file;
    SectionPieces message;
    std::uint64_t budget = limits_.pieceBytes, bytes = 0;
    if (!cursor.countersSent) {
      CheckpointSection& counters = plan_->counters[static_cast<std::size_t>(r)];
      const std::uint64_t size = counters.bytes.size();
      bytes += size;
      budget -= std::min(budget, size);
      message.pieces.push_back(SectionPiece{counters.name, counters.rank, size, 0, std::move(counters.bytes)});
      cursor.countersSent = true;
    }
    while (cursor.section != share.size()) {
      const SectionEntry& entry = file.index().sections[share[cursor.section]];
      const std::uint64_t n = std::min(budget, entry.size - cursor.offset);
      if (n == 0 && entry.size != 0) break;
      message.pieces.push_back(SectionPiece{entry.name, entry.rank, entry.size, cursor.offset,
                                            file.read(entry, cursor.offset, n)});
      budget -= n;
      bytes += n;
      cursor.offset += n;
      if (cursor.offset == entry.size) {
        ++cursor.section;
        cursor.offset = 0;
      }
    }
    message.last = cursor.section == share.size();
    cursor.sentLast = message.last;
    cursor.unacknowledged = std::max<std::uint64_t>(bytes, 1);
    unacknowledged += cursor.unacknowledged;
    noteBuffered(unacknowledged);
    tree_.send(r, MessageKind::restore, encode(message));
    progress = true;
  }
  if (restoreAcks_.none()) plan_.reset();  // every share is in place: the file is closed
  return progress;
}

// Another rank, resuming: pieces of its share, in order.
void Checkpoints::onRestore(const Message& message) {
  if (!awaitingShare_) throw std::runtime_error("received a share of a checkpoint twice");
  SectionPieces pieces = decode<SectionPieces>(message.bytes);
  try {
    for (SectionPiece& piece : pieces.pieces) {
      if (piece.offset == 0) {
        if (arriving_) throw std::runtime_error("a section began before the last one was whole");
        arriving_.emplace(CheckpointSection{std::move(piece.name), piece.rank, {}});
        arriving_->bytes.reserve(static_cast<std::size_t>(piece.size));
      } else if (!arriving_ || piece.offset != arriving_->bytes.size()) {
        throw std::runtime_error("a piece of a section out of its order");
      }
      arriving_->bytes.insert(arriving_->bytes.end(), piece.bytes.begin(), piece.bytes.end());
      if (arriving_->bytes.size() > piece.size) throw std::runtime_error("a section longer than it says");
      if (arriving_->bytes.size() == piece.size) {
        participant_.restoreSection(*arriving_);
        arriving_.reset();
      }
    }
    if (pieces.last && arriving_) throw std::runtime_error("a share whose last section is not whole");
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("checkpoint '{}' does not fit this pipeline although its fingerprint "
                                         "does: {}",
                                         file_, e.what()));
  }
  tree_.send(0, MessageKind::restored, encode(Signal{}));
  if (pieces.last) {
    awaitingShare_ = false;
    participant_.restoreDone();
  }
}

void Checkpoints::onRestored(const Message& message) {
  decode<Signal>(message.bytes);
  if (!tree_.root() || !plan_ || message.source <= 0 || message.source >= tree_.size() ||
      cursors_[static_cast<std::size_t>(message.source)].unacknowledged == 0)
    throw std::runtime_error("resume out of step (a share acknowledged that was not sent)");
  ShareCursor& cursor = cursors_[static_cast<std::size_t>(message.source)];
  cursor.unacknowledged = 0;
  if (cursor.sentLast) restoreAcks_.arrived();
  pumpShares();
}

// Rank 0, after a run that succeeded: its checkpoint is of no more use.
void Checkpoints::removeFile() {
  if (!tree_.root() || file_.empty()) return;
  collectWriter(true);
  std::error_code error;
  std::filesystem::remove(temporaryCheckpointPath(file_), error);  // a killed run's
  std::filesystem::remove(file_, error);
  if (error)
    reportWarning(std::cerr, fmt::format("the run is over, but its checkpoint '{}' could not be removed: {}", file_,
                                         error.message()));
}

}  // namespace jobstream::detail
