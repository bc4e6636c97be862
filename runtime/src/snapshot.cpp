#include "snapshot.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <ostream>
#include <stdexcept>

#include "jobstream/detail/report.hpp"
#include "wire.hpp"

namespace jobstream::detail {

namespace {

const StageDef& stageAt(const PipelineDef& pipeline, StageIndex index, StageKind kind, std::string_view what) {
  if (index >= pipeline.stages.size() || pipeline.stages[index].kind != kind)
    throw std::runtime_error(fmt::format("{} names stage {}, which is not one", what, index));
  return pipeline.stages[index];
}

template <class Archive>
void describe(Archive& ar, SavedStores& entry, const PipelineDef& pipeline) {
  ar(entry.key, entry.reduce);
  const StageDef& reduce = stageAt(pipeline, entry.reduce, StageKind::reduce, "a reduction store");
  if (reduce.region != entry.key.region || reduce.owner != instance_id::ownerOf(entry.key.scope))
    throw std::runtime_error("a reduction store under the key of another reduce");
  ar.batch(*reduce.store, entry.stores);
  if (Archive::loading && entry.stores->size() == 0) throw std::runtime_error("an empty reduction store entry");
}

template <class Archive>
void describe(Archive& ar, SavedInstance& instance, const PipelineDef& pipeline) {
  ar(instance.id, instance.frame);
  const StageDef& frame = stageAt(pipeline, instance.frame, StageKind::frame, "a frame instance");
  if (instance.id == 0 || instance_id::frame(instance.id) != instance.frame)
    throw std::runtime_error("a frame instance whose id names another frame");
  ar(instance.parent, instance.maxGen);
  ar.batch(*frame.store, instance.store);
  ar.batch(*frame.input, instance.first);
  if (Archive::loading && (instance.store->size() != 1 || instance.first->size() != 1))
    throw std::runtime_error("a frame instance without its store or its first item");
}

// The sections of a rank's state, in order: `section(name, sizeHint, body)`
// for each, where body(ar) saves or loads its fields. `sizeHint` is for the
// tasks, which hold most of the bytes.
template <class Section>
void rankSections(RankState& state, const PipelineDef& pipeline, std::size_t sizeHint, Section&& section) {
  section("tasks", sizeHint, [&](auto& ar) { describe(ar, state.tasks, pipeline); });
  section("stores", 0, [&](auto& ar) {
    ar.sequence(state.stores, [&](SavedStores& entry) { describe(ar, entry, pipeline); });
  });
  section("instances", 0, [&](auto& ar) {
    ar(state.nextInstance);
    ar.sequence(state.instances, [&](SavedInstance& instance) { describe(ar, instance, pipeline); });
  });
  section("counters", 0, [&](auto& ar) { ar(state.counters); });
}

// Rank 0's global sections, likewise.
template <class Section>
void globalSections(GlobalState& state, const PipelineDef& pipeline, Section&& section) {
  section("finish", 0, [&](auto& ar) {
    ar.sequence(state.finished, [&](std::pair<StageIndex, std::shared_ptr<BatchBase>>& entry) {
      ar(entry.first);
      ar.batch(*stageAt(pipeline, entry.first, StageKind::finish, "collected items").input, entry.second);
    });
  });
  section("tracker", 0, [&](auto& ar) {
    ar(state.wave);
    describe(ar, state.next, pipeline);
    ar(state.tracker);
  });
}

// Adds each section to `sections`, under `rank`.
auto saveSections(std::vector<CheckpointSection>& sections, std::uint32_t rank) {
  return [&sections, rank](std::string_view name, std::size_t sizeHint, auto&& body) {
    CheckpointSection section{std::string(name), rank, {}};
    section.bytes.reserve(sizeHint);
    SaveArchive ar(section.bytes);
    body(ar);
    sections.push_back(std::move(section));
  };
}

// Reads each section of `rank` from `sections`; a wrong one is refused
// naming it.
auto loadSections(const std::vector<CheckpointSection>& sections, std::uint32_t rank) {
  return [&sections, rank](std::string_view name, std::size_t, auto&& body) {
    const auto found = std::find_if(sections.begin(), sections.end(), [&](const CheckpointSection& section) {
      return section.name == name && section.rank == rank;
    });
    if (found == sections.end()) throw std::runtime_error(fmt::format("no section '{}' for rank {}", name, rank));
    try {
      LoadArchive ar(found->bytes);
      body(ar);
      ar.end();
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("section '{}' of rank {}: {}", name, rank, e.what()));
    }
  };
}

}  // namespace

std::vector<CheckpointSection> encodeRankState(const PipelineDef& pipeline, std::uint32_t rank,
                                               const RankState& state, std::size_t sizeHint) {
  std::size_t taskHint = 64;
  for (const Task& task : state.tasks) taskHint += task.size() * 8;
  std::vector<CheckpointSection> sections;
  rankSections(const_cast<RankState&>(state), pipeline, std::max(taskHint, sizeHint),  // saving only reads
               saveSections(sections, rank));
  return sections;
}

std::vector<CheckpointSection> encodeGlobalState(const PipelineDef& pipeline, const GlobalState& state) {
  std::vector<CheckpointSection> sections;
  globalSections(const_cast<GlobalState&>(state), pipeline, saveSections(sections, 0));  // saving only reads
  return sections;
}

RankState decodeRankState(const PipelineDef& pipeline, std::uint32_t rank,
                          const std::vector<CheckpointSection>& sections) {
  RankState state;
  rankSections(state, pipeline, 0, loadSections(sections, rank));
  for (const Task& task : state.tasks) {
    const StageKind kind = pipeline.stages[task.stage].kind;
    if (kind == StageKind::emit) throw std::runtime_error("queued items for an emit stage");
    if (pipeline.stages[task.stage].owner != instance_id::ownerOf(task.scope))
      throw std::runtime_error("queued items in a scope their stage is not in");
  }
  return state;
}

GlobalState decodeGlobalState(const PipelineDef& pipeline, const std::vector<CheckpointSection>& sections) {
  GlobalState state;
  globalSections(state, pipeline, loadSections(sections, 0));
  // Checked now, so that a bad one is refused before anything runs.
  ScopeTracker(pipeline).load(state.tracker);
  return state;
}

namespace {

// The state of a checkpoint, decoded: per writer rank, and rank 0's global.
struct DecodedCheckpoint {
  std::vector<RankState> ranks;
  GlobalState global;
};

DecodedCheckpoint decodeAll(const PipelineDef& pipeline, const Checkpoint& checkpoint, const std::string& path) {
  DecodedCheckpoint decoded;
  try {
    if (checkpoint.ranks == 0) throw std::runtime_error("it was written by 0 ranks");
    for (std::uint32_t rank = 0; rank != checkpoint.ranks; ++rank)
      decoded.ranks.push_back(decodeRankState(pipeline, rank, checkpoint.sections));
    decoded.global = decodeGlobalState(pipeline, checkpoint.sections);
  } catch (const std::exception& e) {
    throw CheckpointError(fmt::format("checkpoint '{}' does not fit this pipeline although its fingerprint "
                                      "does: {}; it is left as it is",
                                      path, e.what()));
  }
  return decoded;
}

}  // namespace

std::vector<std::vector<CheckpointSection>> planResume(const PipelineDef& pipeline, const Checkpoint& checkpoint,
                                                      int ranks, const std::string& path) {
  DecodedCheckpoint old = decodeAll(pipeline, checkpoint, path);
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

std::string checkpointTimeText(std::int64_t unixSeconds) {
  const auto time = static_cast<std::time_t>(unixSeconds);
  std::tm utc{};
  gmtime_r(&time, &utc);
  return fmt::format("{:%Y-%m-%d %H:%M:%S} UTC", utc);
}

std::string bytesText(std::uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} bytes", bytes);
  if (bytes < 1024 * 1024) return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024);
  if (bytes < 1024ull * 1024 * 1024) return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024 * 1024));
  return fmt::format("{:.2f} GiB", static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
}

namespace {

std::uint64_t savedSize(const ItemType& type, const BatchBase& batch) {
  std::vector<char> bytes;
  ByteWriter out(bytes);
  type.save(batch, 0, batch.size(), out);
  return bytes.size();
}

}  // namespace

int describeCheckpoint(const PipelineDef& pipeline, const std::string& path, std::ostream& out, std::ostream& err) {
  Checkpoint checkpoint;
  try {
    checkpoint = readCheckpoint(path);
  } catch (const CheckpointError& e) {
    reportError(err, e.what());
    return 1;
  }
  std::uint64_t total = 0;
  for (const CheckpointSection& section : checkpoint.sections) total += section.bytes.size();
  out << fmt::format("checkpoint '{}'\n", path);
  out << fmt::format("  written    {}\n", checkpointTimeText(checkpoint.writtenAt));
  out << fmt::format("  pipeline   '{}', fingerprint {}\n", checkpoint.pipeline, checkpoint.fingerprint);
  out << fmt::format("  ranks      {}\n", checkpoint.ranks);
  out << fmt::format("  state      {} in {} sections\n", bytesText(total), checkpoint.sections.size());
  try {
    checkBelongsTo(checkpoint, pipeline.name, pipeline.fingerprint, path);
  } catch (const CheckpointError& e) {
    reportError(err, e.what());
    return 1;
  }
  DecodedCheckpoint decoded;
  try {
    decoded = decodeAll(pipeline, checkpoint, path);
  } catch (const CheckpointError& e) {
    reportError(err, e.what());
    return 1;
  }

  std::size_t width = 0;
  for (const StageDef& stage : pipeline.stages) width = std::max(width, stage.name.size());
  std::map<StageIndex, std::uint64_t> pending;
  std::map<StageIndex, std::pair<std::uint64_t, std::uint64_t>> stores;     // reduce: stores, bytes
  std::map<StageIndex, std::pair<std::uint64_t, std::uint64_t>> instances;  // frame: instances, bytes
  std::uint64_t counted = 0;
  for (const RankState& rank : decoded.ranks) {
    for (const Task& task : rank.tasks) pending[task.stage] += task.size();
    for (const SavedStores& entry : rank.stores) {
      auto& [count, bytes] = stores[entry.reduce];
      count += entry.stores->size();
      bytes += savedSize(*pipeline.stages[entry.reduce].store, *entry.stores);
    }
    for (const SavedInstance& instance : rank.instances) {
      const StageDef& frame = pipeline.stages[instance.frame];
      auto& [count, bytes] = instances[instance.frame];
      ++count;
      bytes += savedSize(*frame.store, *instance.store) + savedSize(*frame.input, *instance.first);
    }
    for (const auto& [key, counts] : rank.counters) counted += counts.created - counts.finished;
  }
  const auto row = [&](StageIndex stage, const std::string& text) {
    out << fmt::format("    {:<{}}  {}\n", pipeline.stages[stage].name, width, text);
  };
  std::uint64_t pendingTotal = 0;
  for (const auto& [stage, items] : pending) pendingTotal += items;
  out << fmt::format("  pending items per stage: {} in all\n", pendingTotal);
  for (const auto& [stage, items] : pending) row(stage, fmt::format("{}", items));
  out << "  reduction stores (partial, to be merged):" << (stores.empty() ? " none\n" : "\n");
  for (const auto& [stage, entry] : stores) row(stage, fmt::format("{} stores, {}", entry.first, bytesText(entry.second)));
  out << "  frame instances (store and first item):" << (instances.empty() ? " none\n" : "\n");
  for (const auto& [stage, entry] : instances)
    row(stage, fmt::format("{} instances, {}", entry.first, bytesText(entry.second)));
  if (!decoded.global.finished.empty()) {
    out << "  items collected for finish stages:\n";
    for (const auto& [stage, batch] : decoded.global.finished)
      row(stage, fmt::format("{} items, {}", batch->size(), bytesText(savedSize(*pipeline.stages[stage].input, *batch))));
  }
  out << fmt::format("  unfinished items counted: {}; termination wave {}\n", counted, decoded.global.wave);
  return 0;
}

}  // namespace jobstream::detail
