// What a run tells about itself: each rank's measurements, gathered on rank 0
// at the end (or as much as could be gathered after a failure) and turned
// into the --stats lines (stats.hpp), the --trace file (trace_file.hpp) and
// the --report page (report_file.hpp). Plain data, described once for the
// wire (messages/archive.hpp).
//
// Times are nanoseconds on rank 0's steady clock since rank 0 started its
// run: each rank measures its clock's offset from rank 0's at the start
// (observe/clock_sync.hpp), so spans of ranks on different hosts line up.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace jobstream::detail {

// One stage's work on one rank, summed over its threads.
struct StageTally {
  std::uint64_t calls = 0;     // chunks (or merges, frame entries) the stage ran
  std::uint64_t itemsIn = 0;   // items it was given
  std::uint64_t itemsOut = 0;  // items it delivered downstream
  std::uint64_t wallNs = 0;    // wall time inside its user code
  std::uint64_t cpuNs = 0;     // CPU time of that code's thread meanwhile (0 when not measured)
};

enum class SpanKind : std::uint8_t {
  stage = 0,       // a chunk of a stage's calls (a worker); `stage`, `items`
  merge = 1,       // a reduce merging other partial stores (communication thread); `stage`
  wait = 2,        // a worker waiting for work
  communicate = 3, // the communication thread inside transport calls
  checkpoint = 4,  // rank 0: a checkpoint, from the first pause order to the file written
  pause = 5,       // rank 0: the part of a checkpoint during which no work ran
  steal = 6,       // communication thread: items arrived in answer to a steal; `items`, `peer`
  give = 7,        // communication thread: items given away to a thief; `items`, `peer`
};

// A span on one thread of one rank. Adjacent spans of the same kind and stage
// may have been merged into one to keep the record bounded (`calls` says how
// many were merged; `items` sums them).
struct Span {
  std::int64_t start = 0;     // ns, rank 0's clock since its start
  std::int64_t duration = 0;  // ns
  std::uint64_t items = 0;
  std::uint32_t calls = 1;
  std::uint32_t stage = 0;    // a stage index, for stage and merge spans
  std::int32_t peer = -1;     // the other rank of a steal or give
  std::uint16_t thread = 0;   // 0..threads-1: workers; `threads`: the communication thread
  SpanKind kind = SpanKind::stage;
};

// A frame instance on its home rank, from the item that started it to its end.
struct FrameSpan {
  std::int64_t start = 0;
  std::int64_t end = -1;  // -1: not over when the record was taken
  std::uint64_t id = 0;   // the instance id (unique in the run)
  std::uint32_t stage = 0;
};

// The state of one rank at one moment, for "items finished over time" and
// for the progress line.
struct Sample {
  std::int64_t at = 0;            // ns, rank 0's clock since its start
  std::uint64_t finished = 0;     // items finished on this rank so far
  std::uint64_t waiting = 0;      // items in this rank's queue
  std::uint32_t busyWorkers = 0;  // workers running a chunk
};

// Rank 0: one checkpoint.
struct CheckpointMark {
  std::int64_t start = 0;     // the first pause order
  std::int64_t pauseNs = 0;   // how long no work ran
  std::int64_t writtenAt = -1;  // the file was in place; -1: never (the run ended first)
  std::uint64_t bytes = 0;
};

// A sweep's combination that finished on the rank: for the report's plots.
struct SweepPoint {
  std::string sweep;  // the user's function
  std::vector<std::string> paramNames;
  std::vector<std::string> params;  // their values as the table prints them
  std::vector<std::string> outcomeNames;
  std::uint64_t trials = 0;
  std::vector<double> mean;  // per outcome column
  std::vector<double> err;   // the 95% half-width
};

struct RankRecord {
  int rank = 0;
  std::string host;
  int threads = 0;                // worker threads
  bool complete = false;          // false: a summary sent while the run went on (the run failed later)
  std::int64_t clockOffsetNs = 0; // added to this rank's clock to get rank 0's
  std::int64_t clockErrorNs = 0;  // half the round trip of the best clock measurement

  // The --stats numbers.
  std::int64_t wallNs = 0;         // the communication (main) thread's run, start to end
  std::uint64_t userNs = 0;        // worker threads' wall time inside user calls, summed
  std::uint64_t userCpuNs = 0;     // the CPU time of those calls
  std::uint64_t mpiNs = 0;         // the communication thread's time inside transport calls
  std::uint64_t messages = 0;      // messages received
  std::uint64_t userMessages = 0;  // of which carried items (work, stolen)
  std::uint64_t itemsFinished = 0;
  std::uint64_t peakWaiting = 0;

  std::vector<StageTally> stages;  // by stage index
  std::vector<Span> spans;
  std::int64_t spanResolutionNs = 0;  // spans closer than this were merged to bound the record
  std::uint64_t framesDropped = 0;    // frame instances not recorded (over the cap)
  std::vector<FrameSpan> frames;
  std::vector<Sample> samples;
  std::vector<CheckpointMark> checkpoints;  // rank 0
  std::vector<SweepPoint> sweepPoints;      // with --report; at most kMaxSweepPoints a rank
};

inline constexpr std::size_t kMaxSweepPoints = 20000;

struct StageInfo {
  std::string name;  // as the user wrote it
  std::string kind;  // job, reduce, frame, ...
};

struct RunRecord {
  std::string pipeline;
  std::vector<StageInfo> stages;
  std::vector<RankRecord> ranks;  // by rank; a rank never heard from has complete == false and no data
  int ranksInRun = 0;
  int exitCode = 0;
  std::string error;  // the error line the user saw, if the run failed
  std::int64_t startedAtUnixMs = 0;  // rank 0's wall clock at its start
};

template <class Archive>
void describe(Archive& ar, StageTally& t) {
  ar(t.calls, t.itemsIn, t.itemsOut, t.wallNs, t.cpuNs);
}
template <class Archive>
void describe(Archive& ar, Span& s) {
  ar(s.start, s.duration, s.items, s.calls, s.stage, s.peer, s.thread, s.kind);
}
template <class Archive>
void describe(Archive& ar, FrameSpan& f) {
  ar(f.start, f.end, f.id, f.stage);
}
template <class Archive>
void describe(Archive& ar, SweepPoint& p) {
  ar(p.sweep, p.paramNames, p.params, p.outcomeNames, p.trials, p.mean, p.err);
}
template <class Archive>
void describe(Archive& ar, Sample& s) {
  ar(s.at, s.finished, s.waiting, s.busyWorkers);
}
template <class Archive>
void describe(Archive& ar, CheckpointMark& c) {
  ar(c.start, c.pauseNs, c.writtenAt, c.bytes);
}
template <class Archive>
void describe(Archive& ar, RankRecord& r) {
  ar(r.rank, r.host, r.threads, r.complete, r.clockOffsetNs, r.clockErrorNs, r.wallNs, r.userNs, r.userCpuNs,
     r.mpiNs, r.messages, r.userMessages, r.itemsFinished, r.peakWaiting, r.stages, r.spans, r.spanResolutionNs,
     r.framesDropped, r.frames, r.samples, r.checkpoints, r.sweepPoints);
}

}  // namespace jobstream::detail
