#include "observe/trace_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace jobstream::detail {

namespace {

// Keys stay in the order they are set. Perfetto's older JSON reader finds an
// event's "ts" by reading the keys before it and gives up on a \u escape on
// the way (a stage name with a control byte), so "ph" and "ts" come first.
using Event = nlohmann::ordered_json;

std::string dump(const Event& value) {
  // Names may hold any bytes: bytes that are not UTF-8 become U+FFFD rather
  // than an exception, so the file always parses.
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The traceEvents array, written one event at a time.
class EventStream {
 public:
  explicit EventStream(std::ostream& out) : out_(out) {}
  void add(const Event& event) {
    // One event a line: the file stays readable with grep and less.
    out_ << (first_ ? "\n" : ",\n") << dump(event);
    first_ = false;
  }

 private:
  std::ostream& out_;
  bool first_ = true;
};

// Record times (ns) as trace times (us). The origin is the earliest time in
// the record when that is before rank 0's start: Perfetto refuses negative
// timestamps.
class Timeline {
 public:
  explicit Timeline(std::int64_t originNs) : originNs_(originNs) {}
  double at(std::int64_t ns) const { return static_cast<double>(ns - originNs_) / 1000.0; }
  static double length(std::int64_t ns) {
    return static_cast<double>(std::max<std::int64_t>(ns, 0)) / 1000.0;
  }

 private:
  std::int64_t originNs_;
};

std::int64_t spanEnd(const Span& span) {
  return span.start + std::max<std::int64_t>(span.duration, 0);
}

bool heardFrom(const RankRecord& rank) {
  return rank.wallNs != 0 || !rank.spans.empty() || !rank.frames.empty() || !rank.samples.empty() ||
         !rank.checkpoints.empty();
}

std::int64_t earliestTime(const RunRecord& run) {
  std::int64_t earliest = 0;
  for (const RankRecord& rank : run.ranks) {
    for (const Span& span : rank.spans) earliest = std::min(earliest, span.start);
    for (const FrameSpan& frame : rank.frames) earliest = std::min(earliest, frame.start);
    for (const Sample& sample : rank.samples) earliest = std::min(earliest, sample.at);
    for (const CheckpointMark& mark : rank.checkpoints) earliest = std::min(earliest, mark.start);
  }
  return earliest;
}

// The last moment the record knows of on a rank: where a frame instance that
// was not over when the record was taken ends.
std::int64_t lastKnownTime(const RankRecord& rank) {
  std::int64_t last = rank.wallNs;
  for (const Span& span : rank.spans) last = std::max(last, spanEnd(span));
  for (const FrameSpan& frame : rank.frames) last = std::max({last, frame.start, frame.end});
  for (const Sample& sample : rank.samples) last = std::max(last, sample.at);
  for (const CheckpointMark& mark : rank.checkpoints)
    last = std::max({last, mark.start + std::max<std::int64_t>(mark.pauseNs, 0), mark.writtenAt});
  return last;
}

std::string stageName(const RunRecord& run, std::uint32_t stage) {
  if (stage < run.stages.size()) return run.stages[stage].name;
  return fmt::format("stage {}", stage);
}

// "2024-05-01T12:34:56.789Z"
std::string utcTime(std::int64_t unixMs) {
  std::int64_t seconds = unixMs / 1000;
  std::int64_t millis = unixMs % 1000;
  if (millis < 0) {
    millis += 1000;
    --seconds;
  }
  const std::time_t time = static_cast<std::time_t>(seconds);
  std::tm utc{};
  ::gmtime_r(&time, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
}

int pidOf(const RankRecord& rank) { return rank.rank + 1; }

std::string processName(const RankRecord& rank) {
  std::string name = fmt::format("rank {}", rank.rank);
  if (!rank.host.empty()) name += " (" + rank.host + ")";
  if (!heardFrom(rank))
    name += " (no data)";
  else if (!rank.complete)
    name += " (incomplete)";
  return name;
}

Event otherData(const RunRecord& run, const Timeline& time) {
  Event data;
  data["pipeline"] = run.pipeline;
  data["ranks"] = run.ranksInRun;
  data["exit code"] = run.exitCode;
  if (!run.error.empty()) data["error"] = run.error;
  if (run.startedAtUnixMs > 0) data["started at"] = utcTime(run.startedAtUnixMs);  // 0: unknown
  data["rank 0 start ts"] = time.at(0);
  Event ranks = Event::array();
  for (const RankRecord& rank : run.ranks) {
    Event entry;
    entry["rank"] = rank.rank;
    entry["pid"] = pidOf(rank);
    entry["host"] = rank.host;
    entry["heard from"] = heardFrom(rank);
    entry["complete"] = rank.complete;
    entry["clock offset ns"] = rank.clockOffsetNs;
    entry["clock error ns"] = rank.clockErrorNs;
    entry["span resolution ns"] = rank.spanResolutionNs;
    if (rank.framesDropped > 0) entry["frames dropped"] = rank.framesDropped;
    ranks.push_back(std::move(entry));
  }
  data["per rank"] = std::move(ranks);
  return data;
}

// Checkpoint and pause spans, if a recorder files them among the spans, are
// not drawn from there: RankRecord::checkpoints has them with the bytes and
// whether the file was written.
bool drawnFromSpans(SpanKind kind) {
  return kind != SpanKind::checkpoint && kind != SpanKind::pause;
}

// A rank's spans in the order they are written, each on a row of its thread.
// Viewers draw a thread's spans as a stack: a span that starts inside another
// and ends after it would be cut short or dropped, so it goes to the first row
// of its thread where it nests or stands alone.
struct Rows {
  std::vector<std::uint32_t> order;     // span indices by thread, start, longest first
  std::vector<std::uint32_t> row;       // by span index
  std::vector<std::uint32_t> rowCount;  // by thread (workers, communication, ...), at least 1
};

Rows placeSpans(const RankRecord& rank) {
  const std::vector<Span>& spans = rank.spans;
  Rows rows;
  std::size_t threads = static_cast<std::size_t>(std::max(rank.threads, 0)) + 1;
  for (const Span& span : spans) threads = std::max<std::size_t>(threads, span.thread + 1u);
  rows.rowCount.assign(threads, 1);
  rows.row.assign(spans.size(), 0);
  for (std::uint32_t i = 0; i < spans.size(); ++i)
    if (drawnFromSpans(spans[i].kind)) rows.order.push_back(i);
  std::sort(rows.order.begin(), rows.order.end(), [&](std::uint32_t a, std::uint32_t b) {
    const Span& x = spans[a];
    const Span& y = spans[b];
    if (x.thread != y.thread) return x.thread < y.thread;
    if (x.start != y.start) return x.start < y.start;
    if (spanEnd(x) != spanEnd(y)) return spanEnd(x) > spanEnd(y);  // the enclosing one first
    return a < b;
  });
  // Per row of the current thread: the ends of the spans open at the current
  // start, innermost last.
  std::vector<std::vector<std::int64_t>> open;
  std::size_t thread = threads;  // none yet
  for (const std::uint32_t index : rows.order) {
    const Span& span = spans[index];
    if (span.thread != thread) {
      open.clear();
      thread = span.thread;
    }
    std::uint32_t row = 0;
    for (; row < open.size(); ++row) {
      std::vector<std::int64_t>& ends = open[row];
      while (!ends.empty() && ends.back() <= span.start) ends.pop_back();
      if (ends.empty() || spanEnd(span) <= ends.back()) break;
    }
    if (row == open.size()) open.emplace_back();
    open[row].push_back(spanEnd(span));
    rows.row[index] = row;
    rows.rowCount[thread] = std::max(rows.rowCount[thread], row + 1);
  }
  return rows;
}

std::string threadName(const RankRecord& rank, std::size_t thread, std::uint32_t row) {
  const auto workers = static_cast<std::size_t>(std::max(rank.threads, 0));
  std::string name = thread < workers    ? fmt::format("worker {}", thread)
                     : thread == workers ? std::string("communication")
                                         : fmt::format("thread {}", thread);
  if (row > 0) name += fmt::format(" (overlapping {})", row);
  return name;
}

Event metadata(const char* what, int pid, int tid, Event args) {
  Event event;
  event["ph"] = "M";
  event["pid"] = pid;
  event["tid"] = tid;
  event["name"] = what;
  event["args"] = std::move(args);
  return event;
}

// A span of time on one row: ph, ts, dur, pid, tid, in the order the viewers
// read them.
Event complete(std::int64_t start, std::int64_t duration, int pid, int tid, const Timeline& time) {
  Event event;
  event["ph"] = "X";
  event["ts"] = time.at(start);
  event["dur"] = Timeline::length(duration);
  event["pid"] = pid;
  event["tid"] = tid;
  return event;
}

// Adds a span's name, category and arguments to its event.
void describeSpan(const RunRecord& run, const Span& span, Event& event) {
  switch (span.kind) {
    case SpanKind::stage:
      event["name"] = stageName(run, span.stage);
      event["cat"] = "stage";
      event["args"] = {{"items", span.items}, {"calls", span.calls}};
      return;
    case SpanKind::merge:
      event["name"] = "merge " + stageName(run, span.stage);
      event["cat"] = "reduce";
      event["args"] = {{"calls", span.calls}};
      return;
    case SpanKind::wait:
      event["name"] = "waiting for work";
      event["cat"] = "idle";
      return;
    case SpanKind::communicate:
      event["name"] = "communicating";
      event["cat"] = "transport";
      return;
    case SpanKind::steal:
    case SpanKind::give:
      event["name"] = span.kind == SpanKind::steal
                          ? fmt::format("stole {} items from rank {}", span.items, span.peer)
                          : fmt::format("gave {} items to rank {}", span.items, span.peer);
      event["cat"] = "stealing";
      event["args"] = {{"items", span.items}, {"peer", span.peer}};
      return;
    case SpanKind::checkpoint:
    case SpanKind::pause:
      break;
  }
  // A kind this writer does not know (a newer recorder): still shown.
  event["name"] = fmt::format("span of kind {}", static_cast<int>(span.kind));
  event["cat"] = "other";
}

Event spanEvent(const RunRecord& run, const Span& span, int pid, int tid, const Timeline& time) {
  const bool stealing = span.kind == SpanKind::steal || span.kind == SpanKind::give;
  Event event;
  if (stealing && span.duration <= 0) {
    // Items that changed hands in no measurable time: a mark, not a bar.
    event["ph"] = "i";
    event["ts"] = time.at(span.start);
    event["pid"] = pid;
    event["tid"] = tid;
    event["s"] = "t";
  } else {
    event = complete(span.start, span.duration, pid, tid, time);
  }
  describeSpan(run, span, event);
  return event;
}

// Rank 0's checkpoints: the whole checkpoint, from the first pause order to
// the file in place, and inside it the pause during which no work ran.
void writeCheckpoints(const RankRecord& rank, int pid, int tid, const Timeline& time,
                      EventStream& events) {
  std::vector<const CheckpointMark*> marks;
  for (const CheckpointMark& mark : rank.checkpoints) marks.push_back(&mark);
  std::stable_sort(marks.begin(), marks.end(),
                   [](const auto* a, const auto* b) { return a->start < b->start; });
  for (const CheckpointMark* mark : marks) {
    const std::int64_t pauseEnd = mark->start + std::max<std::int64_t>(mark->pauseNs, 0);
    const bool written = mark->writtenAt != -1;
    // Never shorter than its pause, which must nest inside it to be drawn.
    const std::int64_t end = written ? std::max(mark->writtenAt, pauseEnd) : pauseEnd;
    Event checkpoint = complete(mark->start, end - mark->start, pid, tid, time);
    checkpoint["name"] = "checkpoint";
    checkpoint["cat"] = "checkpoint";
    if (written)
      checkpoint["args"] = {{"bytes", mark->bytes}};
    else
      checkpoint["args"] = {{"written", false}};
    events.add(checkpoint);
    Event pause = complete(mark->start, pauseEnd - mark->start, pid, tid, time);
    pause["name"] = "pause";
    pause["cat"] = "checkpoint";
    events.add(pause);
  }
}

// Frame instances as async spans: they overlap one another freely, which
// thread rows cannot show.
void writeFrames(const RunRecord& run, const RankRecord& rank, int pid, int tid,
                 const Timeline& time, EventStream& events) {
  const std::int64_t lastKnown = lastKnownTime(rank);
  for (const FrameSpan& frame : rank.frames) {
    const bool over = frame.end != -1;
    const std::int64_t end = over ? std::max(frame.end, frame.start) : lastKnown;
    // A string: an id above 2^53 would lose digits in a reader that keeps
    // numbers as doubles.
    const std::string id = fmt::format("{:#x}", frame.id);
    const std::string name = stageName(run, frame.stage);
    for (const char* phase : {"b", "e"}) {
      Event event;
      event["ph"] = phase;
      event["ts"] = time.at(phase[0] == 'b' ? frame.start : end);
      event["pid"] = pid;
      event["tid"] = tid;
      event["name"] = name;
      event["cat"] = "frame";
      event["id"] = id;
      if (!over) event["args"] = {{"over", false}};
      events.add(event);
    }
  }
}

void writeSamples(const RankRecord& rank, int pid, const Timeline& time, EventStream& events) {
  for (const Sample& sample : rank.samples) {
    Event event;
    event["ph"] = "C";
    event["ts"] = time.at(sample.at);
    event["pid"] = pid;
    event["tid"] = pid;  // counters belong to the process; its main thread id says so
    event["name"] = "items";
    event["args"] = {{"finished", sample.finished},
                     {"waiting", sample.waiting},
                     {"busy workers", sample.busyWorkers}};
    events.add(event);
  }
}

// One rank: its process and thread names, then its events. `nextTid`: the
// first thread id not yet used in the file.
void writeRank(const RunRecord& run, const RankRecord& rank, const Timeline& time, int& nextTid,
               EventStream& events) {
  const int pid = pidOf(rank);
  events.add(metadata("process_name", pid, pid, {{"name", processName(rank)}}));
  events.add(metadata("process_sort_index", pid, pid, {{"sort_index", rank.rank}}));
  if (!heardFrom(rank)) return;

  const Rows rows = placeSpans(rank);
  int sortIndex = 0;
  const auto addThread = [&](const std::string& name) {
    const int tid = nextTid++;
    events.add(metadata("thread_name", pid, tid, {{"name", name}}));
    events.add(metadata("thread_sort_index", pid, tid, {{"sort_index", sortIndex++}}));
    return tid;
  };
  std::vector<std::vector<int>> rowTids(rows.rowCount.size());
  for (std::size_t thread = 0; thread < rows.rowCount.size(); ++thread)
    for (std::uint32_t row = 0; row < rows.rowCount[thread]; ++row)
      rowTids[thread].push_back(addThread(threadName(rank, thread, row)));
  const int checkpointsTid = rank.checkpoints.empty() ? -1 : addThread("checkpoints");
  const int framesTid = rank.frames.empty() ? -1 : addThread("frames");

  for (const std::uint32_t index : rows.order) {
    const Span& span = rank.spans[index];
    events.add(spanEvent(run, span, pid, rowTids[span.thread][rows.row[index]], time));
  }
  if (checkpointsTid >= 0) writeCheckpoints(rank, pid, checkpointsTid, time, events);
  if (framesTid >= 0) writeFrames(run, rank, pid, framesTid, time, events);
  writeSamples(rank, pid, time, events);
}

}  // namespace

void writeTrace(const RunRecord& run, std::ostream& out) {
  const Timeline time(earliestTime(run));
  // Thread ids start above every pid, so that no thread is taken for a
  // process's main thread.
  int nextTid = run.ranksInRun;
  for (const RankRecord& rank : run.ranks) nextTid = std::max(nextTid, pidOf(rank));
  ++nextTid;

  out << "{\"otherData\":" << dump(otherData(run, time)) << ",\"traceEvents\":[";
  EventStream events(out);
  for (const RankRecord& rank : run.ranks) writeRank(run, rank, time, nextTid, events);
  out << "\n]}\n";
}

void writeTraceFile(const RunRecord& run, const std::string& path) {
  const std::string temporary = path + ".tmp";
  const auto failure = [&](int error) {
    const std::string reason = std::strerror(error != 0 ? error : EIO);
    std::remove(temporary.c_str());
    return std::runtime_error(fmt::format("cannot write trace file '{}': {}", path, reason));
  };
  errno = 0;
  std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
  if (!out) throw failure(errno);
  try {
    writeTrace(run, out);
  } catch (...) {
    out.close();
    std::remove(temporary.c_str());
    throw;
  }
  out.close();
  if (!out) throw failure(errno);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) throw failure(errno);
}

}  // namespace jobstream::detail
