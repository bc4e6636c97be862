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
                         std::string file, double intervalSeconds, RunResult& result)
    : tree_(tree),
      pipeline_(pipeline),
      participant_(participant),
      file_(std::move(file)),
      intervalSeconds_(intervalSeconds),
      result_(result),
      nextAt_(Clock::now() + interval()) {}

Checkpoints::~Checkpoints() {
  if (writer_.joinable()) writer_.join();
}

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
  if (writer_.joinable() && !writing_.load()) collectWriter(false);
  if (!allowed || pause_ != Pause::running || !restoreAcks_.none() || !snapshots_.none() || writer_.joinable())
    return false;
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
  return lastHeld_ && (file_.empty() || (snapshots_.none() && !writer_.joinable()));
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
  std::vector<CheckpointSection> sections = encodeRankState(pipeline_, rank, participant_.state(), lastStateBytes_);
  pause_ = Pause::snapshotTaken;
  lastStateBytes_ = sections.empty() ? 0 : sections.front().bytes.size();
  if (!tree_.root()) {
    tree_.send(0, MessageKind::snapshotTaken, encode(Signal{}));
    tree_.send(0, MessageKind::snapshotData, encode(sections));
    return;
  }
  for (CheckpointSection& section : encodeGlobalState(pipeline_, participant_.globalState()))
    sections.push_back(std::move(section));
  gathered_ = std::move(sections);
  taken_.expect(static_cast<std::size_t>(tree_.size() - 1));
  snapshots_.expect(static_cast<std::size_t>(tree_.size() - 1));
  if (taken_.none()) snapshotTaken();
  if (snapshots_.none()) write();
}

void Checkpoints::onSnapshotTaken(const Message& message) {
  decode<Signal>(message.bytes);
  if (!tree_.root() || pause_ != Pause::snapshotTaken) throw std::runtime_error("checkpoint out of step (snapshot taken)");
  if (taken_.arrived()) snapshotTaken();
}

// Rank 0: every rank's state is encoded, so the run goes on, unless this
// is the last pause.
void Checkpoints::snapshotTaken() {
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

void Checkpoints::onSnapshotData(const Message& message) {
  std::vector<CheckpointSection> sections = decode<std::vector<CheckpointSection>>(message.bytes);
  if (!tree_.root()) throw std::runtime_error("checkpoint out of step (a snapshot sent to another rank than 0)");
  const bool last = snapshots_.arrived();
  for (CheckpointSection& section : sections) gathered_.push_back(std::move(section));
  if (last) write();
}

// Rank 0 has every rank's state: write it in the background.
void Checkpoints::write() {
  Checkpoint checkpoint;
  checkpoint.pipeline = std::string(pipeline_.name);
  checkpoint.fingerprint = std::string(pipeline_.fingerprint);
  checkpoint.ranks = static_cast<std::uint32_t>(tree_.size());
  checkpoint.writtenAt = static_cast<std::int64_t>(std::time(nullptr));
  checkpoint.sections = std::move(gathered_);
  gathered_.clear();
  result_.checkpointBytes = 0;
  for (const CheckpointSection& section : checkpoint.sections) result_.checkpointBytes += section.bytes.size();
  writing_.store(true);
  writer_ = std::thread([this, checkpoint = std::move(checkpoint)] {
    const auto start = Clock::now();
    try {
      writeCheckpoint(file_, checkpoint);
    } catch (const std::exception& e) {
      writeError_ = e.what();
    }
    writeSeconds_ = secondsSince(start);
    writing_.store(false);
  });
}

bool Checkpoints::collectWriter(bool wait) {
  if (!writer_.joinable() || (!wait && writing_.load())) return false;
  writer_.join();
  lastWriteOk_ = writeError_.empty();
  if (!writeError_.empty()) {
    // A write is collected during a pause only when that pause is the last.
    reportWarning(std::cerr, writeError_ + (pause_ == Pause::running ? "; the run goes on" : ""));
    writeError_.clear();
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
                             result_.checkpointPauses.empty() ? 0.0 : result_.checkpointPauses.back(), writeSeconds_)
              << std::endl;
  }
  participant_.written(written_);
  return true;
}

void Checkpoints::sendShares(const std::vector<std::vector<CheckpointSection>>& plan) {
  if (!tree_.root() || plan.size() != static_cast<std::size_t>(tree_.size()))
    throw std::logic_error("resuming without a share for every rank");
  for (int r = 1; r != tree_.size(); ++r) tree_.send(r, MessageKind::restore, encode(plan[static_cast<std::size_t>(r)]));
  participant_.restore(plan[0]);
  restoreAcks_.expect(static_cast<std::size_t>(tree_.size() - 1));
}

void Checkpoints::onRestore(const Message& message) {
  if (!awaitingShare_) throw std::runtime_error("received a share of a checkpoint twice");
  participant_.restore(decode<std::vector<CheckpointSection>>(message.bytes));
  awaitingShare_ = false;
  tree_.send(0, MessageKind::restored, encode(Signal{}));
}

void Checkpoints::onRestored(const Message& message) {
  decode<Signal>(message.bytes);
  if (!tree_.root()) throw std::runtime_error("resume out of step (a share acknowledged to another rank than 0)");
  restoreAcks_.arrived();
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
