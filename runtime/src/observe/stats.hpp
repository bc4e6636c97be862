// The --stats lines: job_stream's format, so that its users' scripts still
// parse them (contract, section 4):
//
//   0_host 97% user time (2% mpi), 96% user cpu, 1234 messages (80% user)
//   C 194% user time, 190% user cpu, quality 1.90 cpus, ran 3.210s
//
// Per rank, over its communication thread's wall time: `user time` is the
// worker threads' wall time inside user calls (summed over workers, so it
// can pass 100%), `mpi` the communication thread's time inside transport
// calls; `user cpu` is the CPU time of the user calls over their wall time;
// `messages` are those received, `user` the share that carried items. The
// C line: user time summed over ranks, user cpu as job_stream computed it
// (the sum of each rank's cpu% x time% / 100), quality the user CPU seconds
// of all ranks over rank 0's wall seconds, and rank 0's wall time.
#pragma once

#include <string>

#include "observe/record.hpp"

namespace jobstream::detail {

// The lines, each ending in '\n': one per rank heard from, in rank order,
// then the C line. Empty when rank 0 has no record (nothing was measured).
std::string statsText(const RunRecord& run);

}  // namespace jobstream::detail
