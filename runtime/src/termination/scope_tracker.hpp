// Scopes, generations and the counters that termination is detected with.
//
// Every item counts under a ScopeKey: the scope instance it lives in (0 for
// the top level, else a frame instance), its generation within that instance
// and the region of the scope its stage is in (stage.hpp explains regions).
//
// Generations. Work can flow back up a frame body: what frame_end returns
// re-enters the body, and the frame function recurs more work when the
// instance goes quiet. Such work starts a new generation (frame_end called on
// generation g makes generation g + 1; a recall makes one past the newest),
// and everything made from an item inherits its generation. A reduce reduces
// one generation of its region at a time, so work that reaches it later is a
// new reduction, as API.md says, however the old and the new interleave. The
// top level has only generation 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "jobstream/detail/stage.hpp"

namespace jobstream::detail {

struct ScopeKey {
  std::uint64_t scope = 0;
  std::uint32_t gen = 0;
  std::uint32_t region = 0;
  bool operator==(const ScopeKey&) const = default;
};

// How messages and checkpoints hold a key (archive.hpp).
template <class Archive>
void describe(Archive& ar, ScopeKey& key) {
  ar(key.scope, key.gen, key.region);
}

struct ScopeKeyHash {
  std::size_t operator()(const ScopeKey& key) const {
    std::uint64_t h = key.scope * 0x9E3779B97F4A7C15ull;
    h ^= (static_cast<std::uint64_t>(key.gen) << 32 | key.region) + 0x632BE59BD9B4E019ull + (h << 6) + (h >> 2);
    return static_cast<std::size_t>(h);
  }
};

// A frame instance's id says where it lives and which frame it belongs to:
// bits 63..46 its home rank + 1, bits 45..34 the frame stage, 33..0 a counter
// of that rank. Scope 0 is the top level.
namespace instance_id {
inline constexpr int kHomeShift = 46;
inline constexpr int kStageShift = 34;
inline constexpr std::uint64_t kMaxRanks = (1ull << 18) - 1;
inline constexpr std::uint64_t kMaxStages = 1ull << 12;
inline constexpr std::uint64_t kCounterMask = (1ull << kStageShift) - 1;

inline std::uint64_t make(int home, StageIndex frame, std::uint64_t counter) {
  return (static_cast<std::uint64_t>(home) + 1) << kHomeShift | static_cast<std::uint64_t>(frame) << kStageShift |
         (counter & kCounterMask);
}
inline int home(std::uint64_t scope) { return static_cast<int>((scope >> kHomeShift) - 1); }
inline StageIndex frame(std::uint64_t scope) {
  return static_cast<StageIndex>((scope >> kStageShift) & (kMaxStages - 1));
}
// The frame whose body a scope is: kNoStage for the top level.
inline StageIndex ownerOf(std::uint64_t scope) { return scope == 0 ? kNoStage : frame(scope); }
// An instance's home in a run of `ranks` ranks: the rank in its id, folded
// onto fewer ranks when a checkpoint written by more is resumed.
inline int homeAmong(std::uint64_t scope, int ranks) {
  return static_cast<int>(static_cast<std::uint64_t>(home(scope)) % static_cast<std::uint64_t>(ranks));
}
}  // namespace instance_id

// The rank that items for `stage` in `scope` must run on, in a run of
// `ranks` ranks, or -1 when any rank may run them: a frame_end runs on its
// instance's home, result, finish and print on rank 0.
inline int requiredRank(const StageDef& stage, std::uint64_t scope, int ranks) {
  if (stage.kind == StageKind::frame_end) return instance_id::homeAmong(scope, ranks);
  return stage.onRankZero() ? 0 : -1;
}

struct Counts {
  std::uint64_t created = 0;
  std::uint64_t finished = 0;
};

template <class Archive>
void describe(Archive& ar, Counts& counts) {
  ar(counts.created, counts.finished);
}

using CountsMap = std::unordered_map<ScopeKey, Counts, ScopeKeyHash>;

// Keys no item of which exists anywhere any more, which ranks may forget:
// (scope, gen, region <= upTo), or with gen == kAllGens every key of scope.
struct Retire {
  static constexpr std::uint32_t kAllGens = ~std::uint32_t{0};
  std::uint64_t scope = 0;
  std::uint32_t gen = 0;
  std::uint32_t upTo = 0;
};

template <class Archive>
void describe(Archive& ar, Retire& retire) {
  ar(retire.scope, retire.gen, retire.upTo);
}

// A rank's counters per key. Both only grow while a key lives; a key is
// dropped only once rank 0 has retired it (no item of it exists anywhere).
class KeyedCounters {
 public:
  // Adds counts restored from a checkpoint (every rank's, summed).
  void restore(const CountsMap& counts) {
    std::lock_guard lock(mutex_);
    for (const auto& [key, sum] : counts) {
      counts_[key].created += sum.created;
      counts_[key].finished += sum.finished;
    }
  }
  void created(const ScopeKey& key, std::uint64_t items) {
    std::lock_guard lock(mutex_);
    counts_[key].created += items;
    total_.created += items;
  }
  void finished(const ScopeKey& key, std::uint64_t items) {
    std::lock_guard lock(mutex_);
    counts_[key].finished += items;
    total_.finished += items;
  }
  // A jobstream::Lazy's source (queue/source.hpp) is one unfinished item of
  // its key from the moment it is queued until it has ended. It is not an
  // item anyone runs, so total() leaves it out.
  void opened(const ScopeKey& key) {
    std::lock_guard lock(mutex_);
    ++counts_[key].created;
  }
  void closed(const ScopeKey& key) {
    std::lock_guard lock(mutex_);
    ++counts_[key].finished;
  }
  // Adds this rank's counts into `into`, all keys read at one instant.
  void addTo(CountsMap& into) {
    std::lock_guard lock(mutex_);
    for (const auto& [key, counts] : counts_) {
      Counts& sum = into[key];
      sum.created += counts.created;
      sum.finished += counts.finished;
    }
  }
  // Drops the retired keys, in one pass: workers wait for this lock.
  void retire(const std::vector<Retire>& retires) {
    if (retires.empty()) return;
    std::unordered_map<std::uint64_t, std::vector<const Retire*>> byScope;
    for (const Retire& retire : retires) byScope[retire.scope].push_back(&retire);
    std::lock_guard lock(mutex_);
    std::erase_if(counts_, [&](const auto& entry) {
      const ScopeKey& key = entry.first;
      const auto it = byScope.find(key.scope);
      if (it == byScope.end()) return false;
      for (const Retire* retire : it->second)
        if (retire->gen == Retire::kAllGens || (key.gen == retire->gen && key.region <= retire->upTo)) return true;
      return false;
    });
  }
  Counts total() {
    std::lock_guard lock(mutex_);
    return total_;
  }

 private:
  std::mutex mutex_;
  CountsMap counts_;
  Counts total_;
};

// What rank 0 asks the ranks to do, carried by the next wave request.
struct FireOrder {
  ScopeKey key;         // the region (and generation) whose reduction is over
  StageIndex reduce{};  // the reduce that closes it
};

template <class Archive>
void describe(Archive& ar, FireOrder& fire) {
  ar(fire.key, fire.reduce);
}

struct Actions {
  std::vector<FireOrder> fires;
  std::vector<std::uint64_t> recalls;  // quiet frame instances: call the frame function again
  std::vector<Retire> retires;
  bool empty() const { return fires.empty() && recalls.empty() && retires.empty(); }
};

// Rank 0's view of every scope, fed with the sums of each completed wave.
//
// Quiet: a key is quiet when the finished sum of the previous wave equals the
// created sum of this one (Mattern's four counters, per key; waves.hpp has the
// argument). Then:
//   - region r of generation g of scope s is over when every key of s with a
//     lower generation is quiet and every region of those generations has
//     fired, the reduces of regions < r of generation g have fired, and the
//     keys (s, g, <= r) are quiet. Nothing can then add to it: its only
//     sources are those keys, the reduces before it, and frame_end calls on
//     the generation before. Its reduce fires.
//   - a frame instance is quiet when all its keys are quiet and all its
//     regions have fired in every generation: its home recalls the frame
//     function, which recurs a new generation or ends the instance.
//   - the run is over when the top level is quiet in that sense. A live
//     instance keeps the item that entered its frame unfinished in its parent
//     scope, so the top level cannot look quiet while any instance lives.
// An action's effects are counted by the wave that carries it (or, for what a
// fire emits, just after it), so a scope waits for the pair of waves after
// its last action before it is judged again.
class ScopeTracker {
 public:
  explicit ScopeTracker(const PipelineDef& pipeline);

  // Results of the actions carried by wave `wave`.
  void fired(const FireOrder& order, bool recurred, std::uint64_t wave);
  void recalled(std::uint64_t scope, bool ended, std::uint64_t wave);
  // Judges the pair (wave - 1, wave) given wave's sums; sets `done` when the
  // run is over.
  Actions evaluate(std::uint64_t wave, const CountsMap& sums);
  bool done() const { return done_; }
  // Actions sent and not yet answered.
  bool pending() const { return pending_ != 0; }

  // The tracker between two waves, for a checkpoint, with the actions it
  // has asked for and not yet heard of (they travel with the next wave, and
  // are checkpointed with it). load() replaces the state with what save()
  // wrote and throws std::runtime_error on bytes it cannot have written.
  std::vector<char> save() const;
  void load(const std::vector<char>& bytes);

 private:
  struct Scope {
    StageIndex owner = kNoStage;
    std::unordered_map<std::uint32_t, std::uint32_t> fired;  // gen -> regions fired
    bool pending = false;
    bool ended = false;
    std::uint64_t validFrom = 0;

    template <class Archive>
    friend void describe(Archive& ar, Scope& scope) {
      ar(scope.owner, scope.fired, scope.pending, scope.ended, scope.validFrom);
    }
  };
  // What save() writes (archive.hpp); pending_ is the scopes marked pending.
  template <class Archive>
  void describe(Archive& ar);
  // Region r of a scope owned by `owner` is closed by reducesOf(owner)[r].
  const std::vector<StageIndex>& reducesOf(StageIndex owner) const;
  void judge(std::uint64_t id, Scope& scope, std::uint64_t wave,
             const std::vector<std::pair<ScopeKey, Counts>>& keys, Actions& actions);

  std::unordered_map<StageIndex, std::vector<StageIndex>> reduces_;
  std::unordered_map<std::uint64_t, Scope> scopes_;
  std::unordered_map<ScopeKey, std::uint64_t, ScopeKeyHash> lastFinished_;
  std::vector<Retire> retires_;  // to send with the next actions
  std::size_t pending_ = 0;
  bool done_ = false;
};

}  // namespace jobstream::detail
