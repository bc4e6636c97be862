#include "termination/scope_tracker.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "messages/archive.hpp"

namespace jobstream::detail {

ScopeTracker::ScopeTracker(const PipelineDef& pipeline) {
  reduces_[kNoStage];
  for (StageIndex i = 0; i != pipeline.stages.size(); ++i) {
    const StageDef& stage = pipeline.stages[i];
    if (stage.kind == StageKind::frame) reduces_[i];
    if (stage.kind != StageKind::reduce) continue;
    std::vector<StageIndex>& list = reduces_[stage.owner];
    if (stage.region != list.size())
      throw std::invalid_argument("reduce stages are not numbered by region");
    list.push_back(i);
  }
  scopes_[0].owner = kNoStage;
}

const std::vector<StageIndex>& ScopeTracker::reducesOf(StageIndex owner) const {
  const auto it = reduces_.find(owner);
  if (it == reduces_.end()) throw std::runtime_error("a scope of an unknown frame");
  return it->second;
}

void ScopeTracker::fired(const FireOrder& order, bool recurred, std::uint64_t wave) {
  Scope& scope = scopes_.at(order.key.scope);
  if (!scope.pending) throw std::logic_error("a reduction fired that was not asked to");
  scope.pending = false;
  --pending_;
  scope.validFrom = wave;
  if (recurred) return;  // merging made more work: the region is not over after all
  scope.fired[order.key.gen] = order.key.region + 1;
  retires_.push_back(Retire{order.key.scope, order.key.gen, order.key.region});
}

void ScopeTracker::recalled(std::uint64_t id, bool ended, std::uint64_t wave) {
  Scope& scope = scopes_.at(id);
  if (!scope.pending) throw std::logic_error("a frame instance was recalled that was not asked to");
  scope.pending = false;
  --pending_;
  scope.validFrom = wave;
  if (!ended) return;
  scope.ended = true;
  retires_.push_back(Retire{id, Retire::kAllGens, 0});
}

Actions ScopeTracker::evaluate(std::uint64_t wave, const CountsMap& sums) {
  // The keys of each scope, in (gen, region) order.
  std::map<std::uint64_t, std::vector<std::pair<ScopeKey, Counts>>> byScope;
  for (const auto& [key, counts] : sums) byScope[key.scope].emplace_back(key, counts);
  for (auto& [id, keys] : byScope) {
    std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
      return a.first.gen != b.first.gen ? a.first.gen < b.first.gen : a.first.region < b.first.region;
    });
    if (id != 0 && !scopes_.contains(id)) scopes_[id].owner = instance_id::frame(id);
  }

  Actions actions;
  static const std::vector<std::pair<ScopeKey, Counts>> kNoKeys;
  // The top level last: it can only be over once nothing else is pending.
  for (auto it = scopes_.begin(); it != scopes_.end();) {
    auto keys = byScope.find(it->first);
    if (it->second.ended) {
      // Forgotten once the retirement has reached every rank.
      it = keys == byScope.end() ? scopes_.erase(it) : std::next(it);
      continue;
    }
    if (it->first != 0)
      judge(it->first, it->second, wave, keys == byScope.end() ? kNoKeys : keys->second, actions);
    ++it;
  }
  if (!done_) {
    auto keys = byScope.find(0);
    judge(0, scopes_.at(0), wave, keys == byScope.end() ? kNoKeys : keys->second, actions);
  }

  lastFinished_.clear();
  for (const auto& [key, counts] : sums) lastFinished_[key] = counts.finished;
  if (!actions.empty() || !retires_.empty()) {
    actions.retires = std::move(retires_);
    retires_.clear();
  }
  return actions;
}

void ScopeTracker::judge(std::uint64_t id, Scope& scope, std::uint64_t wave,
                         const std::vector<std::pair<ScopeKey, Counts>>& keys, Actions& actions) {
  // The pair (wave - 1, wave) must have been read wholly after the scope's
  // last action took effect.
  if (scope.pending || wave == 0 || scope.validFrom > wave - 1) return;
  const auto quiet = [&](const ScopeKey& key, const Counts& counts) {
    const auto last = lastFinished_.find(key);
    return (last == lastFinished_.end() ? 0 : last->second) == counts.created;
  };
  const std::vector<StageIndex>& reduces = reducesOf(scope.owner);
  const auto regions = static_cast<std::uint32_t>(reduces.size());

  // Generations in order; the top level always has generation 0, even with
  // no item (its reductions emit once regardless).
  std::vector<std::uint32_t> gens;
  if (id == 0) gens.push_back(0);
  for (const auto& [key, counts] : keys)
    if (gens.empty() || gens.back() != key.gen) gens.push_back(key.gen);

  auto next = keys.begin();
  for (const std::uint32_t gen : gens) {
    while (next != keys.end() && next->first.gen < gen) ++next;
    const auto firedIt = scope.fired.find(gen);
    const std::uint32_t fired = firedIt == scope.fired.end() ? 0 : firedIt->second;
    // Keys of this generation: all quiet, or quiet up to the first region
    // that has not fired.
    bool allQuiet = true;
    bool prefixQuiet = true;
    for (auto k = next; k != keys.end() && k->first.gen == gen; ++k) {
      if (quiet(k->first, k->second)) continue;
      allQuiet = false;
      if (k->first.region <= fired) prefixQuiet = false;
    }
    if (fired < regions) {
      if (prefixQuiet) {
        actions.fires.push_back(FireOrder{ScopeKey{id, gen, fired}, reduces[fired]});
        scope.pending = true;
        ++pending_;
      }
      return;  // later generations wait for this one to be over
    }
    if (!allQuiet) return;
  }
  // Quiet, and every reduction of every generation has fired.
  if (id == 0) {
    if (pending_ == 0) done_ = true;
    return;
  }
  actions.recalls.push_back(id);
  scope.pending = true;
  ++pending_;
}

template <class Archive>
void ScopeTracker::describe(Archive& ar) {
  ar(retires_, scopes_, lastFinished_);
}

std::vector<char> ScopeTracker::save() const {
  if (done_) throw std::logic_error("a checkpoint of a run that is over");
  std::vector<char> bytes;
  SaveArchive ar(bytes);
  const_cast<ScopeTracker*>(this)->describe(ar);  // saving only reads
  return bytes;
}

void ScopeTracker::load(const std::vector<char>& bytes) {
  try {
    LoadArchive ar(bytes);
    describe(ar);
    ar.end();
    if (!scopes_.contains(0)) throw std::runtime_error("no top level");
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("corrupt scope tracker state: ") + e.what());
  }
  pending_ = 0;
  for (const auto& [id, scope] : scopes_) {
    reducesOf(scope.owner);  // throws for a stage that is not a frame
    pending_ += scope.pending ? 1 : 0;
  }
  done_ = false;
}

}  // namespace jobstream::detail
