// Where each part of a checkpoint goes when a run resumes on any number of
// ranks (the rule is at the top of state.hpp). Rank 0 reads the counters,
// the tracker and the first bytes of each tasks and instance section; the
// rest of the file it only routes.
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "checkpoint/state.hpp"
#include "messages/wire.hpp"

namespace jobstream::detail {

ResumePlan planResume(const PipelineDef& pipeline, std::shared_ptr<const CheckpointReader> file, int ranks) {
  const CheckpointIndex& index = file->index();
  const std::string& path = file->path();
  if (ranks < 1) throw std::logic_error("resuming on no ranks");
  const auto refuse = [&](const std::string& why) {
    return CheckpointError(fmt::format("checkpoint '{}' does not fit this pipeline although its fingerprint "
                                       "does: {}; it is left as it is",
                                       path, why));
  };
  if (index.ranks == 0) throw refuse("it was written by 0 ranks");

  ResumePlan plan;
  plan.shares.resize(static_cast<std::size_t>(ranks));
  RankState summed;  // every old rank's counters and the largest next instance
  GlobalState global;
  std::vector<std::uint64_t> load(static_cast<std::size_t>(ranks), 0);  // queued items per new rank
  std::uint64_t instances = 0;
  std::uint64_t sources = 0;
  std::vector<bool> counted(index.ranks, false);
  bool finish = false, tracker = false;
  for (std::size_t s = 0; s != index.sections.size(); ++s) {
    const SectionEntry& entry = index.sections[s];
    const std::string name = fmt::format("section '{}' of rank {}", entry.name, entry.rank);
    if (entry.rank >= index.ranks) throw refuse(fmt::format("{}: it was written by {} ranks", name, index.ranks));
    // The first `size` bytes of the section, read as `fields`.
    const auto head = [&](std::size_t size, auto&... fields) {
      if (entry.size < size) throw refuse(fmt::format("{}: it is too short", name));
      const std::vector<char> bytes = file->read(entry, 0, size);
      LoadArchive ar(bytes);
      ar(fields...);
    };
    std::size_t dest = 0;
    if (entry.name == "counters") {
      if (counted[entry.rank]) throw refuse(fmt::format("{}: it is there twice", name));
      counted[entry.rank] = true;
      try {
        decodeSection(pipeline, {entry.name, entry.rank, file->read(entry)}, summed, nullptr);
      } catch (const std::runtime_error& e) {
        throw refuse(e.what());
      }
      continue;  // each new rank gets a counters section made below
    }
    if (entry.name == "tasks") {
      TasksHead tasks;
      head(kTasksHeadBytes, tasks);
      if (tasks.stage >= pipeline.stages.size() || pipeline.stages[tasks.stage].kind == StageKind::emit ||
          pipeline.stages[tasks.stage].owner != instance_id::ownerOf(tasks.scope))
        throw refuse(fmt::format("{}: queued items for stage {} in a scope it is not in", name, tasks.stage));
      const int required = requiredRank(pipeline.stages[tasks.stage], tasks.scope, ranks);
      dest = required >= 0 ? static_cast<std::size_t>(required)
                           : static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
      load[dest] += tasks.items;
    } else if (entry.name == "stores") {
      dest = entry.rank % static_cast<std::size_t>(ranks);
    } else if (entry.name == "instance") {
      std::uint64_t id = 0;
      StageIndex frame = 0;
      head(kInstanceHeadBytes, id, frame);
      if (id == 0 || frame >= pipeline.stages.size() || pipeline.stages[frame].kind != StageKind::frame ||
          instance_id::frame(id) != frame)
        throw refuse(fmt::format("{}: a frame instance whose id names no frame", name));
      dest = static_cast<std::size_t>(instance_id::homeAmong(id, ranks));
      ++instances;
    } else if (entry.name == "source") {
      // Rebuilt where inits run. Read whole: it is a few bytes.
      try {
        decodeSection(pipeline, {entry.name, entry.rank, file->read(entry)}, summed, nullptr);
      } catch (const std::runtime_error& e) {
        throw refuse(e.what());
      }
      dest = 0;
      ++sources;
    } else if ((entry.name == "finish" || entry.name == "tracker") && entry.rank == 0) {
      bool& seen = entry.name == "finish" ? finish : tracker;
      if (seen) throw refuse(fmt::format("{}: it is there twice", name));
      seen = true;
      if (entry.name == "tracker") {
        try {
          decodeSection(pipeline, {entry.name, entry.rank, file->read(entry)}, summed, &global);
        } catch (const std::runtime_error& e) {
          throw refuse(e.what());
        }
      }
    } else {
      throw refuse(fmt::format("{}: no such section", name));
    }
    plan.shares[dest].push_back(s);
  }
  for (std::uint32_t r = 0; r != index.ranks; ++r)
    if (!counted[r]) throw refuse(fmt::format("no section 'counters' for rank {}", r));
  if (!finish || !tracker) throw refuse(fmt::format("no section '{}' for rank 0", finish ? "tracker" : "finish"));

  // Every item counted unfinished is somewhere: queued, or the item that
  // started a live frame instance; and each lazy source not ended counts
  // one. A snapshot that lost or doubled one would make the resumed run
  // hang or miscount, so it is refused.
  std::uint64_t unfinished = 0;
  for (const auto& [key, counts] : summed.counters) {
    if (counts.finished > counts.created)
      throw CheckpointError(
          fmt::format("checkpoint '{}' counts more items finished than created; it is left as it is", path));
    unfinished += counts.created - counts.finished;
  }
  std::uint64_t held = instances + sources;
  for (const std::uint64_t items : load) held += items;
  if (held != unfinished)
    throw CheckpointError(fmt::format("checkpoint '{}' is inconsistent: it counts {} unfinished items but "
                                      "holds {} (queued items, frame instances and lazy sources); it is left "
                                      "as it is",
                                      path, unfinished, held));

  for (int r = 0; r != ranks; ++r)
    plan.counters.push_back(countersSection(static_cast<std::uint32_t>(r), summed.nextInstance,
                                            r == 0 ? summed.counters : CountsMap{}));
  plan.file = std::move(file);
  return plan;
}

}  // namespace jobstream::detail
