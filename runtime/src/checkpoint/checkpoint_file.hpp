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
//                   same), ranks u32, written-at i64 (Unix seconds)
//   header check    u32 CRC-32 of the header
//   sections        per section: 'S', name (u64 size + bytes), rank u32,
//                   size u64, CRC-32 u32 of the name, rank and size fields
//                   and of the payload, then the payload
//   end             'E', 8 bytes "JSCKEND\0", the section count u32, then
//                   the file's size u64
//
// A section's size comes before its payload and its checksum is written
// once the payload is (CheckpointWriter), so a file is written in one pass
// from pieces as they arrive, and read back (CheckpointReader) in pieces:
// neither side ever holds more of it than it chooses to.
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
// 3: sections tagged and counted at the end, so they can be streamed;
//    a rank's state in many sections (state.hpp).
inline constexpr std::uint32_t kCheckpointFormat = 3;

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

// Part of a section's payload as it travels between ranks: which section
// (name, rank, whole size) and which of its bytes, from `offset`.
struct SectionPiece {
  std::string name;
  std::uint32_t rank = 0;
  std::uint64_t size = 0;
  std::uint64_t offset = 0;
  std::vector<char> bytes;
  bool operator==(const SectionPiece&) const = default;
};

// How much of other ranks' state rank 0 holds at once while it writes a
// checkpoint or hands out the shares of one (checkpoint/coordinator.hpp).
struct CheckpointLimits {
  std::size_t pieceBytes = std::size_t{8} << 20;    // one message
  std::size_t bufferBytes = std::size_t{64} << 20;  // all of them, and what the writer holds
};

// Where a section is in a file, and what it is.
struct SectionEntry {
  std::string name;
  std::uint32_t rank = 0;
  std::uint64_t offset = 0;  // of its payload, from the file's start
  std::uint64_t size = 0;    // of its payload
};

// A checkpoint file without its payloads: the header and where each
// section is.
struct CheckpointIndex {
  std::string pipeline;
  std::string fingerprint;
  std::uint32_t ranks = 0;
  std::int64_t writtenAt = 0;
  std::vector<SectionEntry> sections;
  std::uint64_t bytes() const;  // all payloads
};

// Writes a checkpoint file section by section (atomic, as above): what it
// holds at any moment is what the caller hands it. Not thread-safe.
class CheckpointWriter {
 public:
  // Checks the folder (checkWritable), creates FILE.tmp and writes the
  // header. `pipeline` .. `writtenAt` as in Checkpoint.
  CheckpointWriter(std::string path, std::string_view pipeline, std::string_view fingerprint, std::uint32_t ranks,
                   std::int64_t writtenAt);
  CheckpointWriter(const CheckpointWriter&) = delete;
  CheckpointWriter& operator=(const CheckpointWriter&) = delete;
  // Not committed: removes FILE.tmp; the previous checkpoint stays.
  ~CheckpointWriter();

  // A section of `size` bytes, which append() then gives in order.
  void beginSection(std::string_view name, std::uint32_t rank, std::uint64_t size);
  void append(const char* data, std::size_t size);
  // The whole of a section at once.
  void section(std::string_view name, std::uint32_t rank, const std::vector<char>& bytes);
  // The end marker, fsync, rename over `path`, fsync of the folder.
  void commit();
  // Gives up: FILE.tmp is removed, the previous checkpoint stays.
  void abandon();

  std::uint64_t payloadBytes() const { return payload_; }

 private:
  void put(const char* data, std::size_t size);
  void endSection();
  CheckpointError fail(std::string_view what, int error);

  std::string path_;
  std::string temporary_;
  int fd_ = -1;
  std::uint64_t offset_ = 0;       // bytes written so far
  std::uint32_t sections_ = 0;
  std::uint64_t payload_ = 0;
  bool inSection_ = false;
  std::uint64_t left_ = 0;         // of the open section's payload
  std::uint64_t crcAt_ = 0;        // where its checksum goes
  std::uint32_t crc_ = 0;
};

// Reads a checkpoint file: the constructor reads it through once, in
// pieces, and checks everything (header, every section's checksum, the
// end); read() then gives any part of a section. Throws CheckpointError,
// naming the file and what is wrong with it; never changes the file.
class CheckpointReader {
 public:
  explicit CheckpointReader(const std::string& path);
  // The same for a file's bytes in memory; `path` names it in messages.
  CheckpointReader(std::vector<char> bytes, const std::string& path);
  CheckpointReader(const CheckpointReader&) = delete;
  CheckpointReader& operator=(const CheckpointReader&) = delete;
  ~CheckpointReader();

  const std::string& path() const { return path_; }
  const CheckpointIndex& index() const { return index_; }
  // `size` bytes of `section`'s payload from `offset` in it.
  std::vector<char> read(const SectionEntry& section, std::uint64_t offset, std::uint64_t size) const;
  std::vector<char> read(const SectionEntry& section) const { return read(section, 0, section.size); }

 private:
  std::string path_;
  int fd_ = -1;              // or, when negative:
  std::vector<char> bytes_;  // the file's bytes
  CheckpointIndex index_;
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

// Reads and checks the whole file into memory (CheckpointReader reads it
// in pieces). Throws CheckpointError when the file cannot be read or is
// refused; never changes it.
Checkpoint readCheckpoint(const std::string& path);

// Refuses a checkpoint written by another pipeline, or by this pipeline with
// other stages or types.
void checkBelongsTo(std::string_view writtenBy, std::string_view writtenWith, std::string_view pipeline,
                    std::string_view fingerprint, const std::string& path);
inline void checkBelongsTo(const Checkpoint& checkpoint, std::string_view pipeline, std::string_view fingerprint,
                           const std::string& path) {
  checkBelongsTo(checkpoint.pipeline, checkpoint.fingerprint, pipeline, fingerprint, path);
}
inline void checkBelongsTo(const CheckpointIndex& index, std::string_view pipeline, std::string_view fingerprint,
                           const std::string& path) {
  checkBelongsTo(index.pipeline, index.fingerprint, pipeline, fingerprint, path);
}

// Before a run starts: a checkpoint can be written at `path` (its folder
// exists and is a folder, and `path` is not a folder). Throws CheckpointError.
void checkWritable(const std::string& path);

}  // namespace jobstream::detail
