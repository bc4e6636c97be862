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
// user, that were not there when the attempt started (same name and inode),
// and that no process has open or mapped (so no run still uses them: another
// run of this user that is still alive keeps its own, and files of older
// runs are left alone). What was there is listed, not told by file times:
// those come from a clock of a few milliseconds' grain, too coarse to tell a
// file made just before the attempt from one made at its start.
//
// The attempt's own processes may still be going when it has failed: ranks
// killed with their mpirun tear their memory down after mpirun is gone, and
// ranks whose mpirun alone was killed end when they notice. Processes on
// their way out (zombies, exiting, a SIGKILL waiting) do not count as users,
// and files still in use are looked at again for a while (`settle`, 3 s
// for the launcher) before they are left alone.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace jobstream::launcher {

inline const std::filesystem::path kSharedMemoryFolder = "/dev/shm";

// The start of the names of the files Open MPI makes for `uid`'s ranks on
// `host` (as gethostname() says it; Open MPI drops the domain).
std::vector<std::string> segmentPrefixes(const std::string& host, uid_t uid);

// The files in a folder with one of the prefixes: name and inode.
using SegmentFiles = std::set<std::pair<std::string, ino_t>>;

// What is in `folder` now under `prefixes` (empty when it cannot be read).
SegmentFiles segmentFiles(const std::filesystem::path& folder, const std::vector<std::string>& prefixes);

// Removes the files in `folder` under `prefixes` that a failed attempt of
// `uid`'s left, as above, `before` being what was there when it started;
// returns their names. Files it cannot remove, or still in use after
// `settle`, are left and not named.
std::vector<std::string> removeLeftoverSegments(const std::filesystem::path& folder,
                                                const std::vector<std::string>& prefixes, uid_t uid,
                                                const SegmentFiles& before, std::chrono::milliseconds settle);

inline constexpr std::chrono::milliseconds kSettle{3000};

// The same two for this host and user, in /dev/shm; the second says on
// stderr what it removed. Called before and after every attempt.
SegmentFiles segmentFilesNow();
void removeLeftoverSegments(const SegmentFiles& before);

}  // namespace jobstream::launcher
