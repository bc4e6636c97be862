// What a checkpoint holds, above the file container (checkpoint_file.hpp):
// the state of every rank at a moment when nothing runs and no item is in
// flight, as named sections, and how that state is spread over the ranks of
// the run that resumes it, however many there are.
//
// Sections of rank r (the writer's rank number), each laid out by one
// describe function in state.cpp (messages/archive.hpp), each small enough
// to pass through rank 0 in pieces and to be routed by its first bytes:
//   counters   the next instance counter, created and finished items per key
//   tasks      queued work of one stage in one scope: the stage, the scope
//              and the item count, then the tasks (a few MiB at most: more
//              work makes more sections, a large batch is cut)
//   stores     partial reduction stores: per entry its key, its reduce and a
//              batch of one or more stores
//   instance   one frame instance homed on r: its id, frame, parent key,
//              newest generation, store and first item
//   source     one jobstream::Lazy not ended (queue/source.hpp): the init
//              that returned it and how many items it had drawn
// and of rank 0 only:
//   finish     what reached each finish stage: per stage a batch of its input
//   tracker    the termination wave number, the actions for the next wave
//              and ScopeTracker::save
//
// Only sums of counters matter to termination, and any rank may hold any
// partial store (a fire merges them all), so resuming on N ranks puts every
// counter on rank 0, the stores of old rank r on r mod N, an instance on
// its id's home mod N (instance_id::homeAmong), queued items for a frame_end with
// their instance, items for rank-0 stages on rank 0 and the rest, in the
// file's order, where the fewest items are so far. A source goes to rank 0,
// where inits run: it calls the init again and skips the items drawn. Instance counters restart
// past every old one, so new ids never collide with old ones. Rank 0 reads
// only what routing needs (the counters, the tracker, the first bytes of
// each tasks and instance section); every other byte goes to its rank as it
// is, and that rank decodes it.
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

struct SavedSource {
  StageIndex init = 0;     // the init that returned it
  std::uint64_t drawn = 0;  // items drawn from it so far
};

// One rank's state. Encoding reads the batches and never changes them, so a
// rank can describe its live state with non-owning pointers.
struct RankState {
  std::vector<Task> tasks;  // none of a source
  std::vector<SavedSource> sources;
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

// The fields of a tasks section before its tasks, and of an instance
// section before the rest: what routing reads.
struct TasksHead {
  StageIndex stage = 0;
  std::uint64_t scope = 0;
  std::uint64_t items = 0;
};

template <class Archive>
void describe(Archive& ar, TasksHead& head) {
  ar(head.stage, head.scope, head.items);
}

inline constexpr std::size_t kTasksHeadBytes = sizeof(StageIndex) + 2 * sizeof(std::uint64_t);
inline constexpr std::size_t kInstanceHeadBytes = sizeof(std::uint64_t) + sizeof(StageIndex);  // id, frame

// How large a tasks section grows before another is begun.
inline constexpr std::size_t kTasksSectionBytes = std::size_t{4} << 20;

// `sectionBytes`: see kTasksSectionBytes (tests make it small).
std::vector<CheckpointSection> encodeRankState(const PipelineDef& pipeline, std::uint32_t rank,
                                               const RankState& state,
                                               std::size_t sectionBytes = kTasksSectionBytes);
std::vector<CheckpointSection> encodeGlobalState(const PipelineDef& pipeline, const GlobalState& state);

// Adds what `section` holds to `state`, or for rank 0's global sections to
// `global` (refused where it is null). Throws std::runtime_error naming the
// section on bytes that do not fit this pipeline.
void decodeSection(const PipelineDef& pipeline, const CheckpointSection& section, RankState& state,
                   GlobalState* global);

// Decode the sections of one rank (others are ignored). Throw
// std::runtime_error on bytes that do not fit this pipeline.
RankState decodeRankState(const PipelineDef& pipeline, std::uint32_t rank,
                          const std::vector<CheckpointSection>& sections);
GlobalState decodeGlobalState(const PipelineDef& pipeline, const std::vector<CheckpointSection>& sections);

// A rank's share of a resumed run that rank 0 makes itself: the next
// instance counter and, for rank 0, every old rank's counters summed.
CheckpointSection countersSection(std::uint32_t rank, std::uint64_t nextInstance, const CountsMap& counters);

// The state of a checkpoint, decoded: per writer rank, and rank 0's global.
struct DecodedCheckpoint {
  std::vector<RankState> ranks;
  GlobalState global;
};

// Decodes every section of `checkpoint`. Throws CheckpointError naming
// `path` when the contents do not fit the pipeline.
DecodedCheckpoint decodeCheckpoint(const PipelineDef& pipeline, const Checkpoint& checkpoint, const std::string& path);

// The state of a checkpoint file spread over `ranks` ranks (the rule
// above): per new rank the file's sections it gets, in the file's order
// (rank 0's with the global ones), and its counters section. Reads only
// what routing needs; throws CheckpointError naming the file when that does
// not fit the pipeline or the counts do not add up (checkBelongsTo first).
struct ResumePlan {
  std::shared_ptr<const CheckpointReader> file;
  std::vector<std::vector<std::size_t>> shares;  // indexes into file->index().sections
  std::vector<CheckpointSection> counters;       // per new rank
};
ResumePlan planResume(const PipelineDef& pipeline, std::shared_ptr<const CheckpointReader> file, int ranks);

// "1.5 MiB" for people.
std::string bytesText(std::uint64_t bytes);

// "2026-11-30 16:44:10 UTC" for a checkpoint's time.
std::string checkpointTimeText(std::int64_t unixSeconds);

// --checkpoint-info: what the file holds, for people. Returns the exit
// code: 0, or 1 after saying why the file cannot be read by this program.
int describeCheckpoint(const PipelineDef& pipeline, const std::string& path, std::ostream& out,
                       std::ostream& err);

}  // namespace jobstream::detail
