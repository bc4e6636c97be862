// What a jobstream program exits with, shared by the runtime and the launcher
// (which retries a failed run, but not one that a retry cannot mend).
#pragma once

namespace jobstream::detail::exit_status {

inline constexpr int failed = 1;   // a stage failed, or another rank did
inline constexpr int refused = 2;  // a usage error or a refused checkpoint: running again says so again

// A run told to stop by a signal: 128 + its number, as a shell reports a
// process that the signal ended (130 for SIGINT, 143 for SIGTERM). The user
// stopped it: the launcher does not start it again.
inline constexpr int stoppedBy(int signal) { return 128 + signal; }

}  // namespace jobstream::detail::exit_status
