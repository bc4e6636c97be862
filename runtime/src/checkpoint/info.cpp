// --checkpoint-info: what a checkpoint file holds, for people.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <ostream>
#include <stdexcept>

#include "checkpoint/state.hpp"
#include "jobstream/detail/report.hpp"
#include "messages/wire.hpp"

namespace jobstream::detail {

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
  std::optional<CheckpointReader> file;
  try {
    file.emplace(path);
  } catch (const CheckpointError& e) {
    reportError(err, e.what());
    return 1;
  }
  const CheckpointIndex& checkpoint = file->index();
  out << fmt::format("checkpoint '{}'\n", path);
  out << fmt::format("  written    {}\n", checkpointTimeText(checkpoint.writtenAt));
  out << fmt::format("  pipeline   '{}', fingerprint {}\n", checkpoint.pipeline, checkpoint.fingerprint);
  out << fmt::format("  ranks      {}\n", checkpoint.ranks);
  out << fmt::format("  state      {} in {} sections\n", bytesText(checkpoint.bytes()), checkpoint.sections.size());
  try {
    checkBelongsTo(checkpoint, pipeline.name, pipeline.fingerprint, path);
  } catch (const CheckpointError& e) {
    reportError(err, e.what());
    return 1;
  }

  // Every section decoded, one at a time, so that the file may be larger
  // than memory.
  std::map<StageIndex, std::uint64_t> pending;
  std::map<StageIndex, std::pair<std::uint64_t, std::uint64_t>> stores;     // reduce: stores, bytes
  std::map<StageIndex, std::pair<std::uint64_t, std::uint64_t>> instances;  // frame: instances, bytes
  std::map<StageIndex, std::pair<std::uint64_t, std::uint64_t>> finished;   // finish: items, bytes
  std::map<StageIndex, std::vector<std::uint64_t>> sources;  // init: items drawn from each of its sources
  std::uint64_t counted = 0, wave = 0;
  try {
    if (checkpoint.ranks == 0) throw std::runtime_error("it was written by 0 ranks");
    for (const SectionEntry& entry : checkpoint.sections) {
      RankState state;
      GlobalState global;
      if (entry.rank >= checkpoint.ranks)
        throw std::runtime_error(fmt::format("section '{}' of rank {}: it was written by {} ranks", entry.name,
                                             entry.rank, checkpoint.ranks));
      decodeSection(pipeline, CheckpointSection{entry.name, entry.rank, file->read(entry)}, state,
                    entry.rank == 0 ? &global : nullptr);
      for (const Task& task : state.tasks) pending[task.stage] += task.size();
      for (const SavedStores& saved : state.stores) {
        auto& [count, bytes] = stores[saved.reduce];
        count += saved.stores->size();
        bytes += savedSize(*pipeline.stages[saved.reduce].store, *saved.stores);
      }
      for (const SavedInstance& instance : state.instances) {
        const StageDef& frame = pipeline.stages[instance.frame];
        auto& [count, bytes] = instances[instance.frame];
        ++count;
        bytes += savedSize(*frame.store, *instance.store) + savedSize(*frame.input, *instance.first);
      }
      for (const SavedSource& source : state.sources) sources[source.init].push_back(source.drawn);
      for (const auto& [key, counts] : state.counters) counted += counts.created - counts.finished;
      for (const auto& [stage, batch] : global.finished) {
        auto& [items, bytes] = finished[stage];
        items += batch->size();
        bytes += savedSize(*pipeline.stages[stage].input, *batch);
      }
      if (entry.name == "tracker") wave = global.wave;
    }
  } catch (const std::exception& e) {
    reportError(err, fmt::format("checkpoint '{}' does not fit this pipeline although its fingerprint does: {}; "
                                 "it is left as it is",
                                 path, e.what()));
    return 1;
  }

  std::size_t width = 0;
  for (const StageDef& stage : pipeline.stages) width = std::max(width, stage.name.size());
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
  if (!finished.empty()) {
    out << "  items collected for finish stages:\n";
    for (const auto& [stage, entry] : finished)
      row(stage, fmt::format("{} items, {}", entry.first, bytesText(entry.second)));
  }
  if (!sources.empty()) {
    out << "  lazy sources (the init is called again to resume them):\n";
    for (const auto& [stage, drawn] : sources)
      for (const std::uint64_t items : drawn) row(stage, fmt::format("{} items drawn", items));
  }
  // Each source counts as one unfinished item of its own until it ends.
  std::uint64_t open = 0;
  for (const auto& [stage, drawn] : sources) open += drawn.size();
  out << fmt::format("  unfinished items counted: {}; termination wave {}\n", counted - std::min(counted, open), wave);
  return 0;
}

}  // namespace jobstream::detail
