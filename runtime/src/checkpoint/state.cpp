#include "checkpoint/state.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "messages/wire.hpp"

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

DecodedCheckpoint decodeCheckpoint(const PipelineDef& pipeline, const Checkpoint& checkpoint, const std::string& path) {
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

}  // namespace jobstream::detail
