// The --trace file: a run's record (record.hpp) as Chrome trace-event JSON,
// which Perfetto (ui.perfetto.dev) and chrome://tracing open.
//
//   {"otherData":{...},"traceEvents":[ event, event, ... ]}
//
// One process per rank, named "rank R (HOST)", and in it one thread per
// worker ("worker N"), the communication thread ("communication"), rank 0's
// "checkpoints" row and a "frames" row where there are frame instances.
// Stage calls, merges, waits, transport calls and steals are complete
// events ("X", instants "i" when a steal took no time), frame instances
// async events ("b"/"e"), samples counters ("C", name "items"). `ts` and
// `dur` are microseconds; 0 is rank 0's start, unless some rank's clock put
// events before it, in which case otherData's "rank 0 start ts" says where
// rank 0 started. otherData also holds the run's pipeline, exit code, error
// and each rank's clock offset, completeness and pid.
//
// What the viewers need, and the record alone would not give:
//  - pid is rank + 1 and each thread has a tid unique in the file: Perfetto
//    takes pid 0 and tid 0 for the kernel's idle process, and names threads
//    by tid alone.
//  - A span that starts inside another span of its thread and ends after it
//    goes to a second row of that thread ("worker 2 (overlapping 1)"):
//    viewers draw a thread's spans as a stack and cut or drop a span that
//    crosses another.
//  - No "displayTimeUnit": "ms" is the viewers' default, and some Perfetto
//    versions read the key as the unit of `ts`.
#pragma once

#include <iosfwd>
#include <string>

#include "observe/record.hpp"

namespace jobstream::detail {

// Writes the trace to `out`, one event at a time (a big record never becomes
// one big JSON value in memory). Stage and host names may hold any bytes:
// bytes that are not UTF-8 become U+FFFD. The caller checks `out`'s state.
void writeTrace(const RunRecord& run, std::ostream& out);

// Writes the trace to `path`: first to `path + ".tmp"` beside it, then
// renamed over `path`, so a reader never sees half a file. Throws
// std::runtime_error ("cannot write trace file 'PATH': REASON", no
// "jobstream:" prefix) when it cannot; no .tmp file is left behind.
void writeTraceFile(const RunRecord& run, const std::string& path);

}  // namespace jobstream::detail
