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

template <class Archive>
void describe(Archive& ar, SavedSource& source, const PipelineDef& pipeline) {
  ar(source.init, source.drawn);
  stageAt(pipeline, source.init, StageKind::init, "a lazy source");
}

std::vector<char> encodedWith(auto&& body) {
  std::vector<char> bytes;
  SaveArchive ar(bytes);
  body(ar);
  return bytes;
}

// Reads `section` with `body`, which must use every byte of it.
template <class Body>
void load(const CheckpointSection& section, Body&& body) {
  LoadArchive ar(section.bytes);
  body(ar);
  ar.end();
}

// The queued tasks of a rank as tasks sections: consecutive tasks of one
// stage and scope share a section of at most about `limit` bytes, and a
// task whose items take more is cut into pieces that fit (by the size of
// its first item; a piece that still does not fit is halved, down to one
// item). Tasks are encoded straight into their section, since this is in
// the pause: its head and task count go first as placeholders, set when it
// is closed.
void tasksSections(const PipelineDef& pipeline, std::uint32_t rank, const std::vector<Task>& tasks,
                   std::size_t limit, std::vector<CheckpointSection>& sections) {
  constexpr std::size_t kFront = kTasksHeadBytes + sizeof(std::uint64_t);  // head, task count
  CheckpointSection* open = nullptr;
  TasksHead head;
  std::uint64_t count = 0;  // tasks in the open section
  const auto close = [&] {
    if (open == nullptr) return;
    std::vector<char> front;
    SaveArchive ar(front);
    ar(head, count);
    std::copy(front.begin(), front.end(), open->bytes.begin());
    open = nullptr;
  };
  std::vector<char> probe;
  std::vector<Task> pending(tasks.rbegin(), tasks.rend());  // a stack, in order
  while (!pending.empty()) {
    Task task = std::move(pending.back());
    pending.pop_back();
    std::size_t expected = 0;  // the task's encoded size, as far as its first item says
    if (task.size() > 1) {
      probe.clear();
      SaveArchive ar(probe);
      Task first = task;
      first.end = first.begin + 1;
      describe(ar, first, pipeline);
      expected = probe.size() * task.size();
      if (expected > limit) {
        const std::size_t per = std::max<std::size_t>(1, task.size() * limit / expected);
        for (std::size_t end = task.end; end > task.begin;) {  // pushed last first
          Task piece = task;
          piece.begin = end - std::min(per, end - task.begin) ;
          piece.end = end;
          end = piece.begin;
          pending.push_back(std::move(piece));
        }
        continue;
      }
    }
    if (open != nullptr && (task.stage != head.stage || task.scope != head.scope)) close();
    if (open == nullptr) {
      sections.push_back(CheckpointSection{"tasks", rank, {}});
      open = &sections.back();
      open->bytes.reserve(kFront + std::min(expected, limit) + 64);
      open->bytes.resize(kFront);
      head = TasksHead{task.stage, task.scope, 0};
      count = 0;
    }
    const std::size_t before = open->bytes.size();
    SaveArchive ar(open->bytes);
    describe(ar, task, pipeline);
    if (open->bytes.size() - before > 2 * limit && task.size() > 1) {
      open->bytes.resize(before);  // items of very different sizes: halve it
      Task second = task;
      task.end = second.begin = task.begin + task.size() / 2;
      pending.push_back(std::move(second));
      pending.push_back(std::move(task));
      continue;
    }
    if (open->bytes.size() > limit + kFront && count != 0) {
      open->bytes.resize(before);  // the section is full: it goes in the next
      close();
      pending.push_back(std::move(task));
      continue;
    }
    head.items += task.size();
    ++count;
  }
  close();
}

void checkTasks(const PipelineDef& pipeline, const TasksHead& head, const std::vector<Task>& tasks) {
  std::uint64_t items = 0;
  for (const Task& task : tasks) {
    if (task.stage != head.stage || task.scope != head.scope)
      throw std::runtime_error("a task of another stage or scope than its section's");
    items += task.size();
  }
  if (items != head.items)
    throw std::runtime_error(fmt::format("it says {} items and holds {}", head.items, items));
  if (head.stage >= pipeline.stages.size()) throw std::runtime_error(fmt::format("no stage {}", head.stage));
  const StageDef& stage = pipeline.stages[head.stage];
  if (stage.kind == StageKind::emit) throw std::runtime_error("queued items for an emit stage");
  if (stage.owner != instance_id::ownerOf(head.scope)) throw std::runtime_error("queued items in a scope their stage is not in");
}

}  // namespace

std::vector<CheckpointSection> encodeRankState(const PipelineDef& pipeline, std::uint32_t rank,
                                               const RankState& state, std::size_t sectionBytes) {
  std::vector<CheckpointSection> sections;
  sections.push_back(countersSection(rank, state.nextInstance, state.counters));
  tasksSections(pipeline, rank, state.tasks, std::max<std::size_t>(sectionBytes, 1), sections);
  if (!state.stores.empty())
    sections.push_back({"stores", rank, encodedWith([&](SaveArchive& ar) {
                          ar.sequence(const_cast<std::vector<SavedStores>&>(state.stores),  // saving only reads
                                      [&](SavedStores& entry) { describe(ar, entry, pipeline); });
                        })});
  for (const SavedInstance& instance : state.instances)
    sections.push_back({"instance", rank, encodedWith([&](SaveArchive& ar) {
                          describe(ar, const_cast<SavedInstance&>(instance), pipeline);  // saving only reads
                        })});
  for (const SavedSource& source : state.sources)
    sections.push_back({"source", rank, encodedWith([&](SaveArchive& ar) {
                          describe(ar, const_cast<SavedSource&>(source), pipeline);  // saving only reads
                        })});
  return sections;
}

CheckpointSection countersSection(std::uint32_t rank, std::uint64_t nextInstance, const CountsMap& counters) {
  return {"counters", rank, encodedWith([&](SaveArchive& ar) { ar(nextInstance, counters); })};
}

std::vector<CheckpointSection> encodeGlobalState(const PipelineDef& pipeline, const GlobalState& state) {
  auto& global = const_cast<GlobalState&>(state);  // saving only reads
  std::vector<CheckpointSection> sections;
  sections.push_back({"finish", 0, encodedWith([&](SaveArchive& ar) {
                        ar.sequence(global.finished, [&](std::pair<StageIndex, std::shared_ptr<BatchBase>>& entry) {
                          ar(entry.first);
                          ar.batch(*stageAt(pipeline, entry.first, StageKind::finish, "collected items").input,
                                   entry.second);
                        });
                      })});
  sections.push_back({"tracker", 0, encodedWith([&](SaveArchive& ar) {
                        ar(global.wave);
                        describe(ar, global.next, pipeline);
                        ar(global.tracker);
                      })});
  return sections;
}

void decodeSection(const PipelineDef& pipeline, const CheckpointSection& section, RankState& state,
                   GlobalState* global) {
  try {
    if (section.name == "counters") {
      load(section, [&](LoadArchive& ar) {
        std::uint64_t next = 0;
        CountsMap counters;
        ar(next, counters);
        state.nextInstance = std::max(state.nextInstance, next);
        for (const auto& [key, counts] : counters) {
          Counts& sum = state.counters[key];
          sum.created += counts.created;
          sum.finished += counts.finished;
        }
      });
    } else if (section.name == "tasks") {
      load(section, [&](LoadArchive& ar) {
        TasksHead head;
        std::vector<Task> tasks;
        ar(head);
        describe(ar, tasks, pipeline);
        checkTasks(pipeline, head, tasks);
        for (Task& task : tasks) state.tasks.push_back(std::move(task));
      });
    } else if (section.name == "stores") {
      load(section, [&](LoadArchive& ar) {
        std::vector<SavedStores> stores;
        ar.sequence(stores, [&](SavedStores& entry) { describe(ar, entry, pipeline); });
        for (SavedStores& entry : stores) state.stores.push_back(std::move(entry));
      });
    } else if (section.name == "instance") {
      load(section, [&](LoadArchive& ar) {
        SavedInstance instance;
        describe(ar, instance, pipeline);
        state.instances.push_back(std::move(instance));
      });
    } else if (section.name == "source") {
      load(section, [&](LoadArchive& ar) {
        SavedSource source;
        describe(ar, source, pipeline);
        state.sources.push_back(source);
      });
    } else if (global != nullptr && section.name == "finish") {
      load(section, [&](LoadArchive& ar) {
        ar.sequence(global->finished, [&](std::pair<StageIndex, std::shared_ptr<BatchBase>>& entry) {
          ar(entry.first);
          ar.batch(*stageAt(pipeline, entry.first, StageKind::finish, "collected items").input, entry.second);
        });
      });
    } else if (global != nullptr && section.name == "tracker") {
      load(section, [&](LoadArchive& ar) {
        ar(global->wave);
        describe(ar, global->next, pipeline);
        ar(global->tracker);
      });
      // Checked now, so that a bad one is refused before anything runs.
      ScopeTracker(pipeline).load(global->tracker);
    } else {
      throw std::runtime_error("no such section");
    }
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("section '{}' of rank {}: {}", section.name, section.rank, e.what()));
  }
}

RankState decodeRankState(const PipelineDef& pipeline, std::uint32_t rank,
                          const std::vector<CheckpointSection>& sections) {
  RankState state;
  GlobalState global;
  bool counted = false;
  for (const CheckpointSection& section : sections) {
    if (section.rank != rank || section.name == "finish" || section.name == "tracker") continue;
    counted |= section.name == "counters";
    decodeSection(pipeline, section, state, &global);
  }
  if (!counted) throw std::runtime_error(fmt::format("no section 'counters' for rank {}", rank));
  return state;
}

GlobalState decodeGlobalState(const PipelineDef& pipeline, const std::vector<CheckpointSection>& sections) {
  GlobalState global;
  RankState ignored;
  for (const char* name : {"finish", "tracker"}) {
    const auto found = std::find_if(sections.begin(), sections.end(), [&](const CheckpointSection& section) {
      return section.name == name && section.rank == 0;
    });
    if (found == sections.end()) throw std::runtime_error(fmt::format("no section '{}' for rank 0", name));
    decodeSection(pipeline, *found, ignored, &global);
  }
  return global;
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
