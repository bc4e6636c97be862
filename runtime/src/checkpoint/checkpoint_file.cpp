#include "checkpoint/checkpoint_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>

#include "checkpoint/file_descriptor.hpp"
#include "messages/archive.hpp"

namespace jobstream::detail {
namespace {

using checkpoint_io::errorText;
using checkpoint_io::File;

constexpr std::array<char, 8> kMagic = {'J', 'S', 'C', 'H', 'K', 'P', 'T', '\0'};
constexpr std::array<char, 8> kEndMagic = {'J', 'S', 'C', 'K', 'E', 'N', 'D', '\0'};
constexpr std::uint32_t kByteOrder = 0x01020304;

std::uint32_t crcOf(std::uint32_t crc, const char* data, std::size_t size) {
  // zlib takes sizes as uInt: feed large payloads in pieces.
  while (size != 0) {
    const std::size_t piece = std::min<std::size_t>(size, std::numeric_limits<uInt>::max());
    crc = static_cast<std::uint32_t>(crc32(crc, reinterpret_cast<const Bytef*>(data), static_cast<uInt>(piece)));
    data += piece;
    size -= piece;
  }
  return crc;
}

std::uint32_t crcOf(const char* data, std::size_t size) {
  return crcOf(static_cast<std::uint32_t>(crc32(0, Z_NULL, 0)), data, size);
}

// The header's fields (archive.hpp).
template <class Archive>
void describeHeader(Archive& ar, std::string& pipeline, std::string& fingerprint, std::uint32_t& ranks,
                    std::int64_t& writtenAt) {
  ar(pipeline, fingerprint, ranks, writtenAt);
}

// What precedes a section's checksum: its name, rank and payload size.
template <class Archive>
void describeRecord(Archive& ar, std::string& name, std::uint32_t& rank, std::uint64_t& size) {
  ar(name, rank, size);
}

constexpr char kSectionTag = 'S';
constexpr char kEndTag = 'E';
// How much of a file is read at a time while it is checked.
constexpr std::size_t kReadPiece = std::size_t{4} << 20;


// The bytes before the first section.
std::vector<char> headerBytes(std::string_view pipeline, std::string_view fingerprint, std::uint32_t ranks,
                              std::int64_t writtenAt) {
  std::vector<char> bytes;
  ByteWriter out(bytes);
  out.write(kMagic.data(), kMagic.size());
  out.put(kByteOrder);
  out.put(kCheckpointFormat);
  std::vector<char> header;
  SaveArchive head(header);
  std::string p(pipeline), f(fingerprint);
  describeHeader(head, p, f, ranks, writtenAt);
  out.put(static_cast<std::uint32_t>(header.size()));
  out.write(header.data(), header.size());
  out.put(crcOf(header.data(), header.size()));
  return bytes;
}

// A section's tag and record; its checksum follows, then its payload.
std::vector<char> recordBytes(std::string_view name, std::uint32_t rank, std::uint64_t size) {
  std::vector<char> bytes;
  bytes.reserve(name.size() + 32);
  bytes.push_back(kSectionTag);
  SaveArchive record(bytes);
  std::string n(name);
  describeRecord(record, n, rank, size);
  return bytes;
}

std::vector<char> endBytes(std::uint32_t sections, std::uint64_t before) {
  std::vector<char> bytes;
  bytes.reserve(32);  // (g++ 12 -O3 sees a false -Warray-bounds in growing a vector of one)
  ByteWriter out(bytes);
  out.put(kEndTag);
  out.write(kEndMagic.data(), kEndMagic.size());
  out.put(sections);
  out.put(static_cast<std::uint64_t>(before + bytes.size() + sizeof(std::uint64_t)));
  return bytes;
}

// Where a checkpoint's bytes are read from: a file or memory. read() gives
// fewer bytes than asked only at the end.
class Source {
 public:
  virtual ~Source() = default;
  virtual std::size_t read(std::uint64_t offset, char* out, std::size_t size) const = 0;
};

class MemorySource final : public Source {
 public:
  explicit MemorySource(const std::vector<char>& bytes) : bytes_(bytes) {}
  std::size_t read(std::uint64_t offset, char* out, std::size_t size) const override {
    if (offset >= bytes_.size()) return 0;
    const std::size_t n = std::min<std::size_t>(size, bytes_.size() - static_cast<std::size_t>(offset));
    if (n != 0) std::memcpy(out, bytes_.data() + offset, n);  // `out` may be null when nothing is asked
    return n;
  }

 private:
  const std::vector<char>& bytes_;
};

class FileSource final : public Source {
 public:
  FileSource(int fd, const std::string& path) : fd_(fd), path_(path) {}
  std::size_t read(std::uint64_t offset, char* out, std::size_t size) const override {
    std::size_t got = 0;
    while (got < size) {
      const ssize_t n = ::pread(fd_, out + got, size - got, static_cast<off_t>(offset + got));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw CheckpointError(fmt::format("cannot read checkpoint '{}': {}", path_, errorText(errno)));
      if (n == 0) break;
      got += static_cast<std::size_t>(n);
    }
    return got;
  }

 private:
  int fd_;
  const std::string& path_;
};

// Thrown inside scan when the bytes run out; scan names where.
struct Truncated {};

// Reads `source` through once, in pieces of at most kReadPiece, checking
// everything; returns the index. Throws CheckpointError.
CheckpointIndex scan(const Source& source, const std::string& path) {
  const auto refuse = [&](std::string_view why) {
    return CheckpointError(fmt::format("checkpoint '{}' {}; it was left as it is", path, why));
  };
  std::uint64_t at = 0;
  // Exactly `size` bytes at `at`, or Truncated.
  const auto take = [&](std::size_t size) {
    std::vector<char> bytes(size);
    if (source.read(at, bytes.data(), size) != size) throw Truncated{};
    at += size;
    return bytes;
  };
  const auto u32 = [&] {
    const std::vector<char> bytes = take(sizeof(std::uint32_t));
    std::uint32_t value = 0;
    std::memcpy(&value, bytes.data(), sizeof value);
    return value;
  };
  const auto u64 = [&] {
    const std::vector<char> bytes = take(sizeof(std::uint64_t));
    std::uint64_t value = 0;
    std::memcpy(&value, bytes.data(), sizeof value);
    return value;
  };

  std::string where = "its header";
  try {
    {
      // A file shorter than the magic that starts like it is a truncated checkpoint.
      std::array<char, 8> magic{};
      const std::size_t got = source.read(0, magic.data(), magic.size());
      if (got == 0 || std::memcmp(magic.data(), kMagic.data(), got) != 0)
        throw refuse("is not a jobstream checkpoint");
    }
    at = kMagic.size();
    if (u32() != kByteOrder)
      throw refuse("was written on a machine of another byte order, which this program cannot read");
    const auto format = u32();
    if (format != kCheckpointFormat)
      throw refuse(fmt::format("has format {}, written by {} jobstream; this program reads format {} only",
                               format, format < kCheckpointFormat ? "an older" : "a newer", kCheckpointFormat));
    const auto headerSize = u32();
    if (headerSize > (std::uint32_t{1} << 20)) throw refuse("is corrupt: its header says it is larger than a header is");
    const std::vector<char> header = take(headerSize);
    if (u32() != crcOf(header.data(), header.size()))
      throw refuse("is corrupt: the checksum of its header does not match");
    CheckpointIndex index;
    LoadArchive head(header.data(), header.size());
    describeHeader(head, index.pipeline, index.fingerprint, index.ranks, index.writtenAt);
    if (head.remaining() != 0) throw refuse("is corrupt: its header is longer than its fields");

    std::vector<char> piece;
    for (;;) {
      where = fmt::format("section {}", index.sections.size() + 1);
      const char tag = take(1)[0];
      if (tag == kEndTag) break;
      if (tag != kSectionTag) throw refuse(fmt::format("is corrupt: its {} does not start as one", where));
      // The record: a name of at most a few kilobytes, a rank and a size.
      std::vector<char> record(64);
      record.resize(source.read(at, record.data(), record.size()));
      std::uint64_t nameSize = 0;
      if (record.size() < sizeof nameSize) throw Truncated{};
      std::memcpy(&nameSize, record.data(), sizeof nameSize);
      if (nameSize > 4096) throw refuse(fmt::format("is corrupt: its {} has a name of {} bytes", where, nameSize));
      const std::vector<char> fields =
          take(sizeof(std::uint64_t) + static_cast<std::size_t>(nameSize) + sizeof(std::uint32_t) + sizeof(std::uint64_t));
      SectionEntry section;
      LoadArchive in(fields.data(), fields.size());
      describeRecord(in, section.name, section.rank, section.size);
      where = fmt::format("section '{}' of rank {}", section.name, section.rank);
      const auto stored = u32();
      section.offset = at;
      std::uint32_t crc = crcOf(fields.data(), fields.size());
      for (std::uint64_t left = section.size; left != 0;) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, kReadPiece));
        piece.resize(n);
        if (source.read(at, piece.data(), n) != n) throw Truncated{};
        crc = crcOf(crc, piece.data(), n);
        at += n;
        left -= n;
      }
      if (crc != stored) throw refuse(fmt::format("is corrupt: the checksum of its {} does not match", where));
      index.sections.push_back(std::move(section));
    }
    where = "its end marker";
    std::vector<char> end = take(kEndMagic.size());
    if (!std::equal(end.begin(), end.end(), kEndMagic.begin()))
      throw refuse("is corrupt: its end marker is missing or damaged");
    if (u32() != index.sections.size())
      throw refuse("is corrupt: the number of sections it records is not the number it holds");
    const std::uint64_t size = at + sizeof(std::uint64_t);
    if (u64() != size) throw refuse("is corrupt: the size it records is not its size");
    std::array<char, 1> more{};
    if (source.read(at, more.data(), more.size()) != 0) {
      std::uint64_t extra = 0;
      std::vector<char> rest(kReadPiece);
      for (std::size_t n; (n = source.read(at + extra, rest.data(), rest.size())) != 0;) extra += n;
      throw refuse(fmt::format("is corrupt: {} unexpected bytes follow its end marker", extra));
    }
    return index;
  } catch (const Truncated&) {
    throw refuse(fmt::format("is truncated: its {} bytes end inside {}", at + [&] {
      // The bytes past `at` that a short read found.
      std::vector<char> rest(kReadPiece);
      std::uint64_t extra = 0;
      for (std::size_t n; (n = source.read(at + extra, rest.data(), rest.size())) != 0;) extra += n;
      return extra;
    }(), where));
  } catch (const CheckpointError&) {
    throw;
  } catch (const std::exception&) {
    // A record that does not parse (LoadArchive).
    throw refuse(fmt::format("is corrupt: its {} cannot be read", where));
  }
}

// Opens `path` for reading, refusing what is not a regular file.
int openForReading(const std::string& path) {
  File file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) throw CheckpointError(fmt::format("cannot read checkpoint '{}': {}", path, errorText(errno)));
  struct stat status {};
  if (::fstat(file.get(), &status) != 0)
    throw CheckpointError(fmt::format("cannot read checkpoint '{}': {}", path, errorText(errno)));
  if (!S_ISREG(status.st_mode)) throw CheckpointError(fmt::format("checkpoint '{}' is not a regular file", path));
  return file.release();
}

}  // namespace

std::uint64_t CheckpointIndex::bytes() const {
  std::uint64_t total = 0;
  for (const SectionEntry& section : sections) total += section.size;
  return total;
}

// ------------------------------------------------------------------ writing

CheckpointWriter::CheckpointWriter(std::string path, std::string_view pipeline, std::string_view fingerprint,
                                   std::uint32_t ranks, std::int64_t writtenAt)
    : path_(std::move(path)), temporary_(temporaryCheckpointPath(path_)) {
  checkWritable(path_);
  // One name, not one per process: a temporary file that a killed run left
  // is overwritten by the next write instead of piling up.
  fd_ = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw fail("cannot create", errno);
  const std::vector<char> header = headerBytes(pipeline, fingerprint, ranks, writtenAt);
  put(header.data(), header.size());
}

CheckpointWriter::~CheckpointWriter() { abandon(); }

CheckpointError CheckpointWriter::fail(std::string_view what, int error) {
  abandon();
  return CheckpointError(fmt::format("cannot write checkpoint '{}': {} '{}': {}; the previous "
                                     "checkpoint, if any, is unchanged",
                                     path_, what, temporary_, errorText(error)));
}

void CheckpointWriter::abandon() {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  ::unlink(temporary_.c_str());
}

void CheckpointWriter::put(const char* data, std::size_t size) {
  if (fd_ < 0) throw std::logic_error("writing a checkpoint that was abandoned or committed");
  std::size_t written = 0;
  while (written < size) {
    const ssize_t n = ::write(fd_, data + written, size - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw fail("cannot write", errno);
    written += static_cast<std::size_t>(n);
  }
  offset_ += size;
}

void CheckpointWriter::beginSection(std::string_view name, std::uint32_t rank, std::uint64_t size) {
  if (inSection_) throw std::logic_error("a checkpoint section begun before the last one was whole");
  const std::vector<char> record = recordBytes(name, rank, size);
  put(record.data(), record.size());
  crc_ = crcOf(record.data() + 1, record.size() - 1);  // not the tag
  crcAt_ = offset_;
  const std::uint32_t placeholder = 0;
  put(reinterpret_cast<const char*>(&placeholder), sizeof placeholder);
  inSection_ = true;
  left_ = size;
  ++sections_;
  if (left_ == 0) endSection();
}

void CheckpointWriter::append(const char* data, std::size_t size) {
  if (!inSection_ || size > left_) throw std::logic_error("more bytes for a checkpoint section than it has");
  put(data, size);
  crc_ = crcOf(crc_, data, size);
  left_ -= size;
  payload_ += size;
  if (left_ == 0) endSection();
}

void CheckpointWriter::endSection() {
  if (::pwrite(fd_, &crc_, sizeof crc_, static_cast<off_t>(crcAt_)) != static_cast<ssize_t>(sizeof crc_))
    throw fail("cannot write", errno);
  inSection_ = false;
}

void CheckpointWriter::section(std::string_view name, std::uint32_t rank, const std::vector<char>& bytes) {
  beginSection(name, rank, bytes.size());
  if (!bytes.empty()) append(bytes.data(), bytes.size());
}

void CheckpointWriter::commit() {
  if (inSection_) throw std::logic_error("a checkpoint committed with a section that is not whole");
  const std::vector<char> end = endBytes(sections_, offset_);
  put(end.data(), end.size());
  if (::fsync(fd_) != 0) throw fail("cannot flush", errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    ::unlink(temporary_.c_str());
    throw CheckpointError(fmt::format("cannot write checkpoint '{}': cannot close '{}': {}; the previous "
                                      "checkpoint, if any, is unchanged",
                                      path_, temporary_, errorText(errno)));
  }
  if (::rename(temporary_.c_str(), path_.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary_.c_str());
    throw CheckpointError(fmt::format("cannot write checkpoint '{}': cannot rename '{}': {}; the previous "
                                      "checkpoint, if any, is unchanged",
                                      path_, temporary_, errorText(error)));
  }
  // The rename itself must reach the disk, or a crash could bring the old name back.
  const std::filesystem::path target(path_);
  const std::filesystem::path folder = target.has_parent_path() ? target.parent_path() : ".";
  File directory(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (directory.get() < 0 || ::fsync(directory.get()) != 0)
    throw CheckpointError(fmt::format("wrote checkpoint '{}' but cannot flush its folder '{}': {}", path_,
                                      folder.string(), errorText(errno)));
}

// ------------------------------------------------------------------ reading

CheckpointReader::CheckpointReader(const std::string& path) : path_(path), fd_(openForReading(path)) {
  try {
    index_ = scan(FileSource(fd_, path_), path_);
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

CheckpointReader::CheckpointReader(std::vector<char> bytes, const std::string& path)
    : path_(path), bytes_(std::move(bytes)) {
  index_ = scan(MemorySource(bytes_), path_);
}

CheckpointReader::~CheckpointReader() {
  if (fd_ >= 0) ::close(fd_);
}

std::vector<char> CheckpointReader::read(const SectionEntry& section, std::uint64_t offset, std::uint64_t size) const {
  if (offset > section.size || size > section.size - offset)
    throw std::logic_error("reading past the end of a checkpoint section");
  std::vector<char> bytes(static_cast<std::size_t>(size));
  const std::size_t got = fd_ >= 0 ? FileSource(fd_, path_).read(section.offset + offset, bytes.data(), bytes.size())
                                   : MemorySource(bytes_).read(section.offset + offset, bytes.data(), bytes.size());
  if (got != bytes.size())
    throw CheckpointError(
        fmt::format("checkpoint '{}' became shorter while this run read it; it was left as it is", path_));
  return bytes;
}

// ------------------------------------------------------------------ whole checkpoints in memory

std::vector<char> encodeCheckpoint(const Checkpoint& checkpoint) {
  std::vector<char> bytes =
      headerBytes(checkpoint.pipeline, checkpoint.fingerprint, checkpoint.ranks, checkpoint.writtenAt);
  for (const CheckpointSection& section : checkpoint.sections) {
    const std::vector<char> record = recordBytes(section.name, section.rank, section.bytes.size());
    bytes.insert(bytes.end(), record.begin(), record.end());
    const std::uint32_t crc =
        crcOf(crcOf(record.data() + 1, record.size() - 1), section.bytes.data(), section.bytes.size());
    ByteWriter(bytes).put(crc);
    bytes.insert(bytes.end(), section.bytes.begin(), section.bytes.end());
  }
  const std::vector<char> end = endBytes(static_cast<std::uint32_t>(checkpoint.sections.size()), bytes.size());
  bytes.insert(bytes.end(), end.begin(), end.end());
  return bytes;
}

namespace {

template <class Read>
Checkpoint withPayloads(const CheckpointIndex& index, Read&& read) {
  Checkpoint checkpoint;
  checkpoint.pipeline = index.pipeline;
  checkpoint.fingerprint = index.fingerprint;
  checkpoint.ranks = index.ranks;
  checkpoint.writtenAt = index.writtenAt;
  for (const SectionEntry& section : index.sections)
    checkpoint.sections.push_back({section.name, section.rank, read(section)});
  return checkpoint;
}

}  // namespace

Checkpoint decodeCheckpoint(const std::vector<char>& bytes, const std::string& path) {
  const CheckpointIndex index = scan(MemorySource(bytes), path);
  return withPayloads(index, [&](const SectionEntry& section) {
    const auto from = bytes.begin() + static_cast<std::ptrdiff_t>(section.offset);
    return std::vector<char>(from, from + static_cast<std::ptrdiff_t>(section.size));
  });
}

void writeCheckpoint(const std::string& path, const Checkpoint& checkpoint) {
  CheckpointWriter writer(path, checkpoint.pipeline, checkpoint.fingerprint, checkpoint.ranks, checkpoint.writtenAt);
  for (const CheckpointSection& section : checkpoint.sections) writer.section(section.name, section.rank, section.bytes);
  writer.commit();
}

Checkpoint readCheckpoint(const std::string& path) {
  const CheckpointReader reader(path);
  return withPayloads(reader.index(), [&](const SectionEntry& section) { return reader.read(section); });
}

void checkBelongsTo(std::string_view writtenBy, std::string_view writtenWith, std::string_view pipeline,
                    std::string_view fingerprint, const std::string& path) {
  const auto name = [](std::string_view n) {
    return n.empty() ? std::string("(global namespace)") : fmt::format("'{}'", n);
  };
  if (writtenBy != pipeline)
    throw CheckpointError(fmt::format(
        "checkpoint '{}' was written by pipeline {}, and this program runs pipeline {}; it was left "
        "as it is",
        path, name(writtenBy), name(pipeline)));
  if (writtenWith != fingerprint)
    throw CheckpointError(fmt::format(
        "checkpoint '{}' was written by pipeline {} with other stages or types (fingerprint {}, "
        "this program's is {}); it was left as it is",
        path, name(pipeline), writtenWith, fingerprint));
}

void checkWritable(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  if (path.empty()) throw CheckpointError("the checkpoint file's name is empty");
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code error;
  const fs::file_status folderStatus = fs::status(folder, error);
  if (!fs::exists(folderStatus))
    throw CheckpointError(
        fmt::format("cannot write checkpoint '{}': its folder '{}' does not exist", path, folder.string()));
  if (!fs::is_directory(folderStatus))
    throw CheckpointError(
        fmt::format("cannot write checkpoint '{}': '{}' is not a folder", path, folder.string()));
  if (::access(folder.c_str(), W_OK | X_OK) != 0)
    throw CheckpointError(fmt::format("cannot write checkpoint '{}' in folder '{}': {}", path,
                                      folder.string(), errorText(errno)));
  if (fs::is_directory(fs::status(target, error)))
    throw CheckpointError(fmt::format("checkpoint '{}' is a folder, not a file", path));
}

}  // namespace jobstream::detail
