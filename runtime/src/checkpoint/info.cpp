// --checkpoint-info: what a checkpoint file holds, for people.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>
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
    decoded = decodeCheckpoint(pipeline, checkpoint, path);
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
