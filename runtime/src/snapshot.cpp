#include "snapshot.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <ostream>
#include <stdexcept>

#include "wire.hpp"

namespace jobstream::detail {

namespace {

// A count, checked against what is left so that a bad one cannot make a
// huge allocation.
std::uint64_t getCount(ByteReader& in, std::size_t minBytesEach) {
  const auto count = in.get<std::uint64_t>();
  if (count > in.remaining() / minBytesEach) throw std::runtime_error("a count larger than its bytes");
  return count;
}

void expectEnd(const ByteReader& in, std::string_view section) {
  if (in.remaining() != 0) throw std::runtime_error(fmt::format("bytes left over after section '{}'", section));
}

std::shared_ptr<BatchBase> loadBatch(const ItemType& type, ByteReader& in) {
  std::unique_ptr<BatchBase> batch = type.make();
  type.load(in, *batch);
  return batch;
}

const StageDef& stageAt(const PipelineDef& pipeline, StageIndex index, StageKind kind, std::string_view what) {
  if (index >= pipeline.stages.size() || pipeline.stages[index].kind != kind)
    throw std::runtime_error(fmt::format("{} names stage {}, which is not one", what, index));
  return pipeline.stages[index];
}


const CheckpointSection* findSection(const std::vector<CheckpointSection>& sections, std::string_view name,
                                     std::uint32_t rank) {
  for (const CheckpointSection& section : sections)
    if (section.name == name && section.rank == rank) return &section;
  return nullptr;
}

const CheckpointSection& needSection(const std::vector<CheckpointSection>& sections, std::string_view name,
                                     std::uint32_t rank) {
  const CheckpointSection* section = findSection(sections, name, rank);
  if (!section) throw std::runtime_error(fmt::format("no section '{}' for rank {}", name, rank));
  return *section;
}

}  // namespace

std::vector<CheckpointSection> encodeRankState(const PipelineDef& pipeline, std::uint32_t rank,
                                               const RankState& state, std::size_t sizeHint) {
  std::vector<CheckpointSection> sections;
  std::size_t taskHint = 64;
  for (const Task& task : state.tasks) taskHint += task.size() * 8;
  taskHint = std::max(taskHint, sizeHint);
  sections.push_back({"tasks", rank, encodeTasks(pipeline, state.tasks, taskHint)});

  CheckpointSection stores{"stores", rank, {}};
  {
    ByteWriter out(stores.bytes);
    out.put(static_cast<std::uint64_t>(state.stores.size()));
    for (const SavedStores& entry : state.stores) {
      putScopeKey(out, entry.key);
      out.put(static_cast<std::uint32_t>(entry.reduce));
      pipeline.stages[entry.reduce].store->save(*entry.stores, 0, entry.stores->size(), out);
    }
  }
  sections.push_back(std::move(stores));

  CheckpointSection instances{"instances", rank, {}};
  {
    ByteWriter out(instances.bytes);
    out.put(state.nextInstance);
    out.put(static_cast<std::uint64_t>(state.instances.size()));
    for (const SavedInstance& instance : state.instances) {
      const StageDef& frame = pipeline.stages[instance.frame];
      out.put(instance.id);
      out.put(static_cast<std::uint32_t>(instance.frame));
      putScopeKey(out, instance.parent);
      out.put(instance.maxGen);
      frame.store->save(*instance.store, 0, 1, out);
      frame.input->save(*instance.first, 0, 1, out);
    }
  }
  sections.push_back(std::move(instances));

  CheckpointSection counters{"counters", rank, {}};
  {
    ByteWriter out(counters.bytes);
    out.put(static_cast<std::uint64_t>(state.counters.size()));
    for (const auto& [key, counts] : state.counters) {
      putScopeKey(out, key);
      out.put(counts.created);
      out.put(counts.finished);
    }
  }
  sections.push_back(std::move(counters));
  return sections;
}

std::vector<CheckpointSection> encodeGlobalState(const PipelineDef& pipeline, const GlobalState& state) {
  std::vector<CheckpointSection> sections;
  CheckpointSection finished{"finish", 0, {}};
  {
    ByteWriter out(finished.bytes);
    out.put(static_cast<std::uint64_t>(state.finished.size()));
    for (const auto& [stage, batch] : state.finished) {
      out.put(static_cast<std::uint32_t>(stage));
      pipeline.stages[stage].input->save(*batch, 0, batch->size(), out);
    }
  }
  sections.push_back(std::move(finished));
  CheckpointSection tracker{"tracker", 0, {}};
  {
    ByteWriter out(tracker.bytes);
    out.put(state.wave);
    const std::vector<char> next = encodeWaveRequest(WaveRequest{state.wave + 1, state.next});
    out.put(static_cast<std::uint64_t>(next.size()));
    out.write(next.data(), next.size());
    out.write(state.tracker.data(), state.tracker.size());
  }
  sections.push_back(std::move(tracker));
  return sections;
}

RankState decodeRankState(const PipelineDef& pipeline, std::uint32_t rank,
                          const std::vector<CheckpointSection>& sections) {
  RankState state;
  state.tasks = decodeTasks(pipeline, needSection(sections, "tasks", rank).bytes);
  for (const Task& task : state.tasks) {
    const StageKind kind = pipeline.stages[task.stage].kind;
    if (kind == StageKind::emit) throw std::runtime_error("queued items for an emit stage");
    if (pipeline.stages[task.stage].owner != instance_id::ownerOf(task.scope))
      throw std::runtime_error("queued items in a scope their stage is not in");
  }

  {
    const std::vector<char>& bytes = needSection(sections, "stores", rank).bytes;
    ByteReader in(bytes.data(), bytes.size());
    for (auto n = getCount(in, 36); n != 0; --n) {
      SavedStores entry;
      entry.key = getScopeKey(in);
      entry.reduce = in.get<std::uint32_t>();
      const StageDef& reduce = stageAt(pipeline, entry.reduce, StageKind::reduce, "a reduction store");
      if (reduce.region != entry.key.region || reduce.owner != instance_id::ownerOf(entry.key.scope))
        throw std::runtime_error("a reduction store under the key of another reduce");
      entry.stores = loadBatch(*reduce.store, in);
      if (entry.stores->size() == 0) throw std::runtime_error("an empty reduction store entry");
      state.stores.push_back(std::move(entry));
    }
    expectEnd(in, "stores");
  }

  {
    const std::vector<char>& bytes = needSection(sections, "instances", rank).bytes;
    ByteReader in(bytes.data(), bytes.size());
    state.nextInstance = in.get<std::uint64_t>();
    for (auto n = getCount(in, 60); n != 0; --n) {
      SavedInstance instance;
      instance.id = in.get<std::uint64_t>();
      instance.frame = in.get<std::uint32_t>();
      const StageDef& frame = stageAt(pipeline, instance.frame, StageKind::frame, "a frame instance");
      if (instance.id == 0 || instance_id::frame(instance.id) != instance.frame)
        throw std::runtime_error("a frame instance whose id names another frame");
      instance.parent = getScopeKey(in);
      instance.maxGen = in.get<std::uint32_t>();
      instance.store = loadBatch(*frame.store, in);
      instance.first = loadBatch(*frame.input, in);
      if (instance.store->size() != 1 || instance.first->size() != 1)
        throw std::runtime_error("a frame instance without its store or its first item");
      state.instances.push_back(std::move(instance));
    }
    expectEnd(in, "instances");
  }

  {
    const std::vector<char>& bytes = needSection(sections, "counters", rank).bytes;
    ByteReader in(bytes.data(), bytes.size());
    for (auto n = getCount(in, 32); n != 0; --n) {
      const ScopeKey key = getScopeKey(in);
      Counts& counts = state.counters[key];
      counts.created += in.get<std::uint64_t>();
      counts.finished += in.get<std::uint64_t>();  // may exceed created: items move between ranks
    }
    expectEnd(in, "counters");
  }
  return state;
}

GlobalState decodeGlobalState(const PipelineDef& pipeline, const std::vector<CheckpointSection>& sections) {
  GlobalState state;
  {
    const std::vector<char>& bytes = needSection(sections, "finish", 0).bytes;
    ByteReader in(bytes.data(), bytes.size());
    for (auto n = getCount(in, 20); n != 0; --n) {
      const auto stage = in.get<std::uint32_t>();
      const StageDef& finish = stageAt(pipeline, stage, StageKind::finish, "collected items");
      state.finished.emplace_back(stage, loadBatch(*finish.input, in));
    }
    expectEnd(in, "finish");
  }
  {
    const std::vector<char>& bytes = needSection(sections, "tracker", 0).bytes;
    ByteReader in(bytes.data(), bytes.size());
    state.wave = in.get<std::uint64_t>();
    const auto nextSize = in.get<std::uint64_t>();
    if (nextSize > in.remaining()) throw std::runtime_error("a truncated tracker section");
    state.next = decodeWaveRequest(pipeline, std::vector<char>(in.current(), in.current() + nextSize)).actions;
    in.skip(nextSize);
    state.tracker.assign(in.current(), in.current() + in.remaining());
    // Checked now, so that a bad one is refused before anything runs.
    ScopeTracker check(pipeline);
    ByteReader trackerIn(state.tracker.data(), state.tracker.size());
    check.load(trackerIn);
    expectEnd(trackerIn, "tracker");
  }
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
    throw CheckpointError(fmt::format("jobstream: checkpoint '{}' does not fit this pipeline although its fingerprint "
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
          fmt::format("jobstream: checkpoint '{}' counts more items finished than created; it is left as it is", path));
    unfinished += counts.created - counts.finished;
  }
  std::uint64_t held = 0;  // queued items (now all in `load`) and live instances
  for (std::size_t r = 0; r != fresh.size(); ++r) held += load[r] + fresh[r].instances.size();
  if (held != unfinished)
    throw CheckpointError(fmt::format("jobstream: checkpoint '{}' is inconsistent: it counts {} unfinished items but "
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
    err << "jobstream: error: " << withoutPrefix(e.what()) << '\n';
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
    err << "jobstream: error: " << withoutPrefix(e.what()) << '\n';
    return 1;
  }
  DecodedCheckpoint decoded;
  try {
    decoded = decodeAll(pipeline, checkpoint, path);
  } catch (const CheckpointError& e) {
    err << "jobstream: error: " << withoutPrefix(e.what()) << '\n';
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
