// What a jobstream program exits with, shared by the runtime and the launcher
// (which retries a failed run, but not one that a retry cannot mend).
#pragma once

namespace jobstream::detail::exit_status {

inline constexpr int failed = 1;   // a stage failed, or another rank did
inline constexpr int refused = 2;  // a usage error or a refused checkpoint: running again says so again

}  // namespace jobstream::detail::exit_status
