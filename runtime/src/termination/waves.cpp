#include "termination/waves.hpp"

#include <algorithm>
#include <stdexcept>

namespace jobstream::detail {

Waves::Waves(Tree& tree, const PipelineDef& pipeline, WaveParticipant& participant)
    : tree_(tree), pipeline_(pipeline), participant_(participant) {
  if (tree.root()) tracker_.emplace(pipeline);
}

bool Waves::maybeStart(bool allowed, bool idle) {
  if (!tree_.root() || !allowed || active_ || tracker_->done()) return false;
  // Rank 0 running out of work is the likeliest moment for the end.
  const bool becameIdle = idle && !wasIdle_;
  wasIdle_ = idle;
  if (Clock::now() < nextAt_ && !becameIdle && next_.empty()) return false;
  WaveRequest request;
  request.wave = wave_ + 1;
  request.actions = std::move(next_);
  next_ = Actions{};
  begin(std::move(request));
  return true;
}

void Waves::onRequest(const Message& message) {
  if (tree_.root() || active_) throw std::runtime_error("termination wave out of step");
  begin(decode<WaveRequest>(message.bytes, pipeline_));
}

void Waves::onReply(const Message& message) {
  WaveReply reply = decode<WaveReply>(message.bytes, pipeline_, request_.actions.fires);
  if (!active_ || reply.wave != wave_) throw std::runtime_error("termination wave out of step");
  const bool last = replies_.arrived();
  for (const auto& [key, counts] : reply.counts) {
    Counts& sum = sums_.counts[key];
    sum.created += counts.created;
    sum.finished += counts.finished;
  }
  for (std::size_t i = 0; i != reply.fires.size(); ++i) {
    FireResult& mine = sums_.fires[i];
    mine.recurred |= reply.fires[i].recurred;
    BatchBase& theirs = *reply.fires[i].stores;
    if (theirs.size() != 0) {
      const ItemType& type = *pipeline_.stages[request_.actions.fires[i].reduce].store;
      type.append(*mine.stores, theirs, 0, theirs.size());
    }
  }
  sums_.recalls.insert(sums_.recalls.end(), reply.recalls.begin(), reply.recalls.end());
  sums_.stopSignal = std::max(sums_.stopSignal, reply.stopSignal);
  if (last) depart();
}

void Waves::restore(std::uint64_t wave, Actions next) {
  wave_ = wave;
  next_ = std::move(next);
}

// A wave reaches this rank (rank 0: starts): apply the orders that need no
// reply, pass the request on, and reply once the children have.
void Waves::begin(WaveRequest request) {
  active_ = true;
  wave_ = request.wave;
  request_ = std::move(request);
  sums_ = WaveReply{};
  sums_.wave = wave_;
  for (const FireOrder& fire : request_.actions.fires)
    sums_.fires.push_back(FireResult{false, pipeline_.stages[fire.reduce].store->make()});
  if (!tree_.children().empty()) tree_.toChildren(MessageKind::waveRequest, encode(request_, pipeline_));
  participant_.arrived(request_.actions, sums_);
  replies_.expect(tree_.children().size());
  if (replies_.none()) depart();
}

void Waves::depart() {
  if (!participant_.departing(request_.actions, sums_)) return;  // the run has failed
  if (!tree_.root()) {
    tree_.toParent(MessageKind::waveReply, encode(sums_, pipeline_, request_.actions.fires));
    active_ = false;
    return;
  }
  complete();
}

// Rank 0: the wave's sums are complete.
void Waves::complete() {
  active_ = false;
  if (!participant_.concluding(request_.actions, sums_)) return;
  ScopeTracker& tracker = *tracker_;
  for (std::size_t i = 0; i != request_.actions.fires.size(); ++i)
    tracker.fired(request_.actions.fires[i], sums_.fires[i].recurred, wave_);
  for (const auto& [id, ended] : sums_.recalls) tracker.recalled(id, ended, wave_);

  next_ = tracker.evaluate(wave_, sums_.counts);
  if (tracker.done()) return;
  // A wave that looked quiet, or that has orders to carry, goes at once;
  // while work goes on, waves slow down, so that a long run costs the other
  // ranks next to nothing.
  Counts total;
  for (const auto& [key, counts] : sums_.counts) {
    total.created += counts.created;
    total.finished += counts.finished;
  }
  const auto now = Clock::now();
  if (total.finished == total.created || !next_.empty() || tracker.pending()) {
    nextAt_ = now;
    interval_ = kMinInterval;
  } else {
    nextAt_ = now + interval_;
    interval_ = std::min(interval_ * 2, kMaxInterval);
  }
}

}  // namespace jobstream::detail
