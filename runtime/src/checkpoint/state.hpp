// What a checkpoint holds, above the file container (checkpoint_file.hpp):
// the state of every rank at a moment when nothing runs and no item is in
// flight, as named sections, and how that state is spread over the ranks of
// the run that resumes it, however many there are.
//
// Sections of rank r (the writer's rank number), each laid out by one
// describe function in state.cpp (messages/archive.hpp):
//   tasks      queued work, as a work message holds it (messages/wire.hpp)
//   stores     partial reduction stores: per entry its key, its reduce and a
//              batch of one or more stores
//   instances  frame instances homed on r: the next instance counter; per
//              instance its id, frame, parent key, newest generation, store
//              and first item
//   counters   created and finished items per key
// and of rank 0 only:
//   finish     what reached each finish stage: per stage a batch of its input
//   tracker    the termination wave number, the actions for the next wave
//              and ScopeTracker::save
//
// Only sums of counters matter to termination, and any rank may hold any
// partial store (a fire merges them all), so resuming on N ranks puts every
// counter on rank 0, the stores of old rank r on r mod N, an instance on
// its id's home mod N (instance_id::homeAmong), queued items for a frame_end with
// their instance, items for rank-0 stages on rank 0 and the rest where the
// fewest items are. Instance counters restart past every old one, so new
// ids never collide with old ones.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "checkpoint/checkpoint_file.hpp"
#include "jobstream/detail/stage.hpp"
#include "termination/scope_tracker.hpp"
#include "queue/task_queue.hpp"

namespace jobstream::detail {

struct SavedStores {
  ScopeKey key;
  StageIndex reduce = 0;
  std::shared_ptr<BatchBase> stores;  // one or more of the reduce's store type
};

struct SavedInstance {
  std::uint64_t id = 0;
  StageIndex frame = 0;
  ScopeKey parent;
  std::uint32_t maxGen = 0;
  std::shared_ptr<BatchBase> store;  // one store
  std::shared_ptr<BatchBase> first;  // the item that started it
};

// One rank's state. Encoding reads the batches and never changes them, so a
// rank can describe its live state with non-owning pointers.
struct RankState {
  std::vector<Task> tasks;
  std::vector<SavedStores> stores;
  std::vector<SavedInstance> instances;
  CountsMap counters;
  std::uint64_t nextInstance = 0;
};

// Rank 0's state beyond its RankState.
struct GlobalState {
  std::vector<std::pair<StageIndex, std::shared_ptr<BatchBase>>> finished;  // per finish stage
  std::uint64_t wave = 0;
  Actions next;               // what the next wave is to carry
  std::vector<char> tracker;  // ScopeTracker::save
};

// `sizeHint`: the bytes expected (the last snapshot's), reserved up front.
std::vector<CheckpointSection> encodeRankState(const PipelineDef& pipeline, std::uint32_t rank,
                                               const RankState& state, std::size_t sizeHint = 0);
std::vector<CheckpointSection> encodeGlobalState(const PipelineDef& pipeline, const GlobalState& state);

// Decode the sections of one rank (others are ignored). Throw
// std::runtime_error on bytes that do not fit this pipeline.
RankState decodeRankState(const PipelineDef& pipeline, std::uint32_t rank,
                          const std::vector<CheckpointSection>& sections);
GlobalState decodeGlobalState(const PipelineDef& pipeline, const std::vector<CheckpointSection>& sections);

// The state of a checkpoint, decoded: per writer rank, and rank 0's global.
struct DecodedCheckpoint {
  std::vector<RankState> ranks;
  GlobalState global;
};

// Decodes every section of `checkpoint`. Throws CheckpointError naming
// `path` when the contents do not fit the pipeline.
DecodedCheckpoint decodeCheckpoint(const PipelineDef& pipeline, const Checkpoint& checkpoint, const std::string& path);

// The state of `checkpoint` spread over `ranks` ranks: per new rank its
// sections, rank 0's with the global ones. Throws CheckpointError naming
// `path` when the contents do not fit the pipeline (checkBelongsTo first).
std::vector<std::vector<CheckpointSection>> planResume(const PipelineDef& pipeline, const Checkpoint& checkpoint,
                                                      int ranks, const std::string& path);

// "1.5 MiB" for people.
std::string bytesText(std::uint64_t bytes);

// "2026-11-30 16:44:10 UTC" for a checkpoint's time.
std::string checkpointTimeText(std::int64_t unixSeconds);

// --checkpoint-info: what the file holds, for people. Returns the exit
// code: 0, or 1 after saying why the file cannot be read by this program.
int describeCheckpoint(const PipelineDef& pipeline, const std::string& path, std::ostream& out,
                       std::ostream& err);

}  // namespace jobstream::detail
