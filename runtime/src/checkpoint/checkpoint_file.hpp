// The checkpoint file: a container that holds a snapshot of a run as named
// sections of bytes, one or more per rank, and that refuses anything it
// cannot vouch for. What the sections hold (queued work, reduction stores,
// frame instances) is the snapshot's business; this layer only stores them
// whole, checks them and says what is wrong when it cannot.
//
// Layout (integers in the writer's byte order, which the marker checks):
//
//   magic           8 bytes "JSCHKPT\0"
//   byte order      u32 0x01020304
//   format          u32 kCheckpointFormat
//   header size     u32 H
//   header          H bytes: pipeline (u64 size + bytes), fingerprint (the
//                   same), ranks u32, written-at i64 (Unix seconds), section
//                   count u32
//   header check    u32 CRC-32 of the header
//   sections        per section: name (u64 size + bytes), rank u32, size u64,
//                   CRC-32 u32 of everything before it in the section and of
//                   the payload, then the payload
//   end             8 bytes "JSCKEND\0", then the file's size u64
//
// Writing is atomic: a temporary file in the same folder (FILE.tmp), fsync, rename over
// the old file, fsync of the folder. A crash at any instant leaves either the
// old file or the new one, each whole.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace jobstream::detail {

// 2: sections and strings as archive.hpp writes them (u64 counts).
inline constexpr std::uint32_t kCheckpointFormat = 2;

// Every refusal: the message says which file and what is wrong with it,
// without jobstream's prefix (report.hpp adds it where it is printed).
class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CheckpointSection {
  std::string name;        // what the bytes hold
  std::uint32_t rank = 0;  // the rank whose state they are
  std::vector<char> bytes;
  bool operator==(const CheckpointSection&) const = default;
};

struct Checkpoint {
  std::string pipeline;        // PipelineDef::name of the run that wrote it
  std::string fingerprint;     // PipelineDef::fingerprint: stages and their types
  std::uint32_t ranks = 0;     // ranks of the run that wrote it
  std::int64_t writtenAt = 0;  // seconds since the Unix epoch
  std::vector<CheckpointSection> sections;
  bool operator==(const Checkpoint&) const = default;
};

// The bytes of `checkpoint` as the file holds them.
std::vector<char> encodeCheckpoint(const Checkpoint& checkpoint);

// Reads back what encodeCheckpoint wrote; `path` names the file in messages.
// Throws CheckpointError for anything else: not a checkpoint, another byte
// order or format, truncated, a checksum that does not match, bytes after
// the end.
Checkpoint decodeCheckpoint(const std::vector<char>& bytes, const std::string& path);

// Writes `checkpoint` to `path` atomically (see above). Throws
// CheckpointError, after removing its temporary file, if it cannot; a file
// already at `path` is then left as it was.
void writeCheckpoint(const std::string& path, const Checkpoint& checkpoint);

// Where writeCheckpoint writes before the rename: `path` + ".tmp".
inline std::string temporaryCheckpointPath(const std::string& path) { return path + ".tmp"; }

// Reads and checks the whole file. Throws CheckpointError when the file
// cannot be read or is refused; never changes it.
Checkpoint readCheckpoint(const std::string& path);

// Refuses a checkpoint written by another pipeline, or by this pipeline with
// other stages or types.
void checkBelongsTo(const Checkpoint& checkpoint, std::string_view pipeline, std::string_view fingerprint,
                    const std::string& path);

// Before a run starts: a checkpoint can be written at `path` (its folder
// exists and is a folder, and `path` is not a folder). Throws CheckpointError.
void checkWritable(const std::string& path);

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
