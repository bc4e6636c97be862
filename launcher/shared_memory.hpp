// What a run killed hard leaves in shared memory. Open MPI's shared-memory
// transport (vader) gives each rank a file of some megabytes,
// /dev/shm/vader_segment.HOST.UID.JOB.LOCALRANK (HOST without its domain,
// UID the user's id, JOB and LOCALRANK in hex and decimal). mpirun removes
// them at the end of the job, also when a rank dies; when mpirun itself is
// killed (with its ranks: an out-of-memory kill, a kill -9 of the job) they
// stay, until the next reboot.
//
// Before the launcher starts a run again it removes those its failed
// attempt left: files with this user's prefix on this host, owned by this
// user, created (or changed) since the attempt started, which no process has
// open or mapped (so no run still uses them: another run of this user that
// is still alive keeps its own, and files of older runs are left alone).
#pragma once

#include <sys/types.h>

#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

namespace jobstream::launcher {

inline const std::filesystem::path kSharedMemoryFolder = "/dev/shm";

// The start of the names of the files Open MPI makes for `uid`'s ranks on
// `host` (as gethostname() says it; Open MPI drops the domain).
std::vector<std::string> segmentPrefixes(const std::string& host, uid_t uid);

// Removes the files in `folder` that a failed attempt of `uid`'s started at
// `since` (the coarse real-time clock, as file times are) left, as above;
// returns their names. Files it cannot remove are left and not named.
std::vector<std::string> removeLeftoverSegments(const std::filesystem::path& folder,
                                                const std::vector<std::string>& prefixes, uid_t uid,
                                                const timespec& since);

// The same for this host and user, in /dev/shm, saying on stderr what it
// removed. Called after every attempt that failed.
void removeLeftoverSegments(const timespec& since);

// Now, on the clock that file times are taken from.
timespec fileClockNow();

}  // namespace jobstream::launcher
