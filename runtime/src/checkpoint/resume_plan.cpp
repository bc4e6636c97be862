// Where each part of a checkpoint goes when a run resumes on any number of
// ranks (the rule is at the top of state.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "checkpoint/state.hpp"
#include "messages/wire.hpp"

namespace jobstream::detail {

std::vector<std::vector<CheckpointSection>> planResume(const PipelineDef& pipeline, const Checkpoint& checkpoint,
                                                      int ranks, const std::string& path) {
  DecodedCheckpoint old = decodeCheckpoint(pipeline, checkpoint, path);
  std::vector<RankState> fresh(static_cast<std::size_t>(ranks));
  std::uint64_t nextInstance = 0;
  std::vector<std::size_t> load(fresh.size(), 0);
  std::vector<Task> spread;
  for (std::size_t r = 0; r != old.ranks.size(); ++r) {
    RankState& state = old.ranks[r];
    nextInstance = std::max(nextInstance, state.nextInstance);
    for (const auto& [key, counts] : state.counters) {
      Counts& sum = fresh[0].counters[key];
      sum.created += counts.created;
      sum.finished += counts.finished;
    }
    for (SavedInstance& instance : state.instances)
      fresh[static_cast<std::size_t>(instance_id::homeAmong(instance.id, ranks))].instances.push_back(std::move(instance));
    for (SavedStores& stores : state.stores) fresh[r % fresh.size()].stores.push_back(std::move(stores));
    for (Task& task : state.tasks) {
      const int required = requiredRank(pipeline.stages[task.stage], task.scope, ranks);
      if (required < 0) {
        spread.push_back(std::move(task));
        continue;
      }
      const auto dest = static_cast<std::size_t>(required);
      load[dest] += task.size();
      fresh[dest].tasks.push_back(std::move(task));
    }
  }
  // The rest, largest first, each where the fewest items are so far.
  std::stable_sort(spread.begin(), spread.end(), [](const Task& a, const Task& b) { return a.size() > b.size(); });
  for (Task& task : spread) {
    const auto dest = static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    load[dest] += task.size();
    fresh[dest].tasks.push_back(std::move(task));
  }
  // Every item counted unfinished is somewhere: queued, or the item that
  // started a live frame instance. A snapshot that lost or doubled one
  // would make the resumed run hang or miscount, so it is refused.
  std::uint64_t unfinished = 0;
  for (const auto& [key, counts] : fresh[0].counters) {
    if (counts.finished > counts.created)
      throw CheckpointError(
          fmt::format("checkpoint '{}' counts more items finished than created; it is left as it is", path));
    unfinished += counts.created - counts.finished;
  }
  std::uint64_t held = 0;  // queued items (now all in `load`) and live instances
  for (std::size_t r = 0; r != fresh.size(); ++r) held += load[r] + fresh[r].instances.size();
  if (held != unfinished)
    throw CheckpointError(fmt::format("checkpoint '{}' is inconsistent: it counts {} unfinished items but "
                                      "holds {} (queued items and frame instances); it is left as it is",
                                      path, unfinished, held));

  std::vector<std::vector<CheckpointSection>> plan;
  for (std::size_t r = 0; r != fresh.size(); ++r) {
    fresh[r].nextInstance = nextInstance;
    plan.push_back(encodeRankState(pipeline, static_cast<std::uint32_t>(r), fresh[r]));
  }
  for (CheckpointSection& section : encodeGlobalState(pipeline, old.global)) plan[0].push_back(std::move(section));
  return plan;
}

}  // namespace jobstream::detail
