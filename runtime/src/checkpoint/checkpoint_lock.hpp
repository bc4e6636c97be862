// One run at a time per checkpoint file (see CheckpointLock).
#pragma once

#include <string>

#include "checkpoint/checkpoint_file.hpp"

namespace jobstream::detail {

// Where the lock of the run that owns `path` lives: `path` + ".lock".
inline std::string checkpointLockPath(const std::string& path) { return path + ".lock"; }

// One run at a time per checkpoint file: rank 0 holds an exclusive flock on
// FILE.lock for the whole run, so a second run on the same file is refused
// instead of both writing it. The kernel drops the lock when its holder
// dies however it dies, so a killed run never leaves a stale lock (a lock
// file it leaves behind is just reused). The file says who holds it: the
// process id and the host, for the refusal's message.
class CheckpointLock {
 public:
  // Takes the lock, or throws CheckpointError naming the file and the run
  // that holds it. Where the file system cannot lock at all, the run goes
  // on unlocked and warning() says so.
  explicit CheckpointLock(const std::string& path);
  CheckpointLock(const CheckpointLock&) = delete;
  CheckpointLock& operator=(const CheckpointLock&) = delete;
  // Removes the lock file, then lets the lock go.
  ~CheckpointLock();

  // Empty, or why the run is not locked, for reportWarning.
  const std::string& warning() const { return warning_; }

 private:
  std::string path_;  // the lock file
  int fd_ = -1;
  std::string warning_;
};

}  // namespace jobstream::detail
