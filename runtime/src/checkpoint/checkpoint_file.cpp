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

#include "messages/archive.hpp"

namespace jobstream::detail {
namespace {

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

// The header's fields (archive.hpp); `sections`: how many follow it.
template <class Archive>
void describeHeader(Archive& ar, Checkpoint& checkpoint, std::uint32_t& sections) {
  ar(checkpoint.pipeline, checkpoint.fingerprint, checkpoint.ranks, checkpoint.writtenAt, sections);
}

// What precedes a section's checksum: its name, rank and payload size.
template <class Archive>
void describeRecord(Archive& ar, CheckpointSection& section, std::uint64_t& size) {
  ar(section.name, section.rank, size);
}

std::string errorText(int error) { return std::strerror(error); }

// A file descriptor that closes itself.
class File {
 public:
  explicit File(int fd) : fd_(fd) {}
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  ~File() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Keeps the descriptor open: the caller owns it now.
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  // Closes now, reporting the error close() may give (a delayed write error).
  int close() {
    const int status = ::close(fd_);
    fd_ = -1;
    return status;
  }

 private:
  int fd_;
};

}  // namespace

namespace {

// The file's bytes, in order, as pieces: the small ones built here, each
// section's payload where it already is. So writing a checkpoint never
// makes a second copy of the state.
template <class Sink>
void encodePieces(const Checkpoint& checkpoint, Sink&& sink) {
  std::uint64_t total = 0;
  const auto emit = [&](const char* data, std::size_t size) {
    sink(data, size);
    total += size;
  };
  std::vector<char> small;
  ByteWriter out(small);
  out.write(kMagic.data(), kMagic.size());
  out.put(kByteOrder);
  out.put(kCheckpointFormat);
  std::vector<char> header;
  SaveArchive head(header);
  auto sections = static_cast<std::uint32_t>(checkpoint.sections.size());
  describeHeader(head, const_cast<Checkpoint&>(checkpoint), sections);  // saving only reads
  out.put(static_cast<std::uint32_t>(header.size()));
  out.write(header.data(), header.size());
  out.put(crcOf(header.data(), header.size()));
  emit(small.data(), small.size());

  for (const CheckpointSection& section : checkpoint.sections) {
    small.clear();
    SaveArchive record(small);
    std::uint64_t size = section.bytes.size();
    describeRecord(record, const_cast<CheckpointSection&>(section), size);  // saving only reads
    const std::uint32_t crc = crcOf(crcOf(small.data(), small.size()), section.bytes.data(), section.bytes.size());
    out.put(crc);
    emit(small.data(), small.size());
    emit(section.bytes.data(), section.bytes.size());
  }
  small.clear();
  out.write(kEndMagic.data(), kEndMagic.size());
  out.put(static_cast<std::uint64_t>(total + small.size() + sizeof(std::uint64_t)));
  emit(small.data(), small.size());
}

}  // namespace

std::vector<char> encodeCheckpoint(const Checkpoint& checkpoint) {
  std::size_t size = checkpoint.pipeline.size() + checkpoint.fingerprint.size() + 128;
  for (const CheckpointSection& section : checkpoint.sections) size += section.bytes.size() + section.name.size() + 32;
  std::vector<char> bytes;
  bytes.reserve(size);
  encodePieces(checkpoint, [&](const char* data, std::size_t n) { bytes.insert(bytes.end(), data, data + n); });
  return bytes;
}

Checkpoint decodeCheckpoint(const std::vector<char>& bytes, const std::string& path) {
  const auto refuse = [&](std::string_view why) {
    return CheckpointError(fmt::format("checkpoint '{}' {}; it was left as it is", path, why));
  };
  // A file shorter than the magic that starts like it is a truncated checkpoint.
  const std::size_t compared = std::min(bytes.size(), kMagic.size());
  if (bytes.empty() || std::memcmp(bytes.data(), kMagic.data(), compared) != 0)
    throw refuse("is not a jobstream checkpoint");
  ByteReader in(bytes.data(), bytes.size());
  std::string where = "its header";
  try {
    in.skip(kMagic.size());
    if (in.get<std::uint32_t>() != kByteOrder)
      throw refuse("was written on a machine of another byte order, which this program cannot read");
    const auto format = in.get<std::uint32_t>();
    if (format != kCheckpointFormat)
      throw refuse(fmt::format("has format {}, written by {} jobstream; this program reads format {} only",
                               format, format < kCheckpointFormat ? "an older" : "a newer", kCheckpointFormat));
    const auto headerSize = in.get<std::uint32_t>();
    if (headerSize > in.remaining()) throw std::runtime_error("truncated");
    const char* headerStart = in.current();
    in.skip(headerSize);
    if (in.get<std::uint32_t>() != crcOf(headerStart, headerSize))
      throw refuse("is corrupt: the checksum of its header does not match");
    LoadArchive head(headerStart, headerSize);
    Checkpoint checkpoint;
    std::uint32_t sections = 0;
    describeHeader(head, checkpoint, sections);
    if (head.remaining() != 0) throw refuse("is corrupt: its header is longer than its fields");

    for (std::uint32_t i = 0; i != sections; ++i) {
      where = fmt::format("section {} of {}", i + 1, sections);
      const char* start = in.current();
      CheckpointSection section;
      std::uint64_t size = 0;
      LoadArchive record(start, in.remaining());
      describeRecord(record, section, size);
      in.skip(in.remaining() - record.remaining());
      where = fmt::format("section '{}' of rank {}", section.name, section.rank);
      std::uint32_t crc = crcOf(start, static_cast<std::size_t>(in.current() - start));
      const auto stored = in.get<std::uint32_t>();
      if (size > in.remaining()) throw std::runtime_error("truncated");
      section.bytes.assign(in.current(), in.current() + size);
      in.skip(static_cast<std::size_t>(size));
      crc = crcOf(crc, section.bytes.data(), section.bytes.size());
      if (crc != stored) throw refuse(fmt::format("is corrupt: the checksum of its {} does not match", where));
      checkpoint.sections.push_back(std::move(section));
    }
    where = "its end marker";
    std::array<char, 8> end{};
    in.read(end.data(), end.size());
    if (end != kEndMagic) throw refuse("is corrupt: its end marker is missing or damaged");
    if (in.get<std::uint64_t>() != bytes.size()) throw refuse("is corrupt: the size it records is not its size");
    if (in.remaining() != 0)
      throw refuse(fmt::format("is corrupt: {} unexpected bytes follow its end marker", in.remaining()));
    return checkpoint;
  } catch (const CheckpointError&) {
    throw;
  } catch (const std::exception&) {
    // ByteReader (or a size above) ran past the end.
    throw refuse(fmt::format("is truncated: its {} bytes end inside {}", bytes.size(), where));
  }
}

void writeCheckpoint(const std::string& path, const Checkpoint& checkpoint) {
  checkWritable(path);
  const std::filesystem::path target(path);
  const std::filesystem::path folder = target.has_parent_path() ? target.parent_path() : ".";
  // One name, not one per process: a temporary file that a killed run left
  // is overwritten by the next write instead of piling up.
  const std::string temporary = temporaryCheckpointPath(path);
  const auto fail = [&](std::string_view what, int error) {
    ::unlink(temporary.c_str());
    return CheckpointError(fmt::format("cannot write checkpoint '{}': {} '{}': {}; the previous "
                                       "checkpoint, if any, is unchanged",
                                       path, what, temporary, errorText(error)));
  };
  {
    File file(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (file.get() < 0) throw fail("cannot create", errno);
    encodePieces(checkpoint, [&](const char* data, std::size_t size) {
      std::size_t written = 0;
      while (written < size) {
        const ssize_t n = ::write(file.get(), data + written, size - written);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw fail("cannot write", errno);
        written += static_cast<std::size_t>(n);
      }
    });
    if (::fsync(file.get()) != 0) throw fail("cannot flush", errno);
    if (file.close() != 0) throw fail("cannot close", errno);
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) throw fail("cannot rename", errno);
  // The rename itself must reach the disk, or a crash could bring the old name back.
  File directory(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (directory.get() < 0 || ::fsync(directory.get()) != 0)
    throw CheckpointError(fmt::format("wrote checkpoint '{}' but cannot flush its folder '{}': {}", path,
                                      folder.string(), errorText(errno)));
}

Checkpoint readCheckpoint(const std::string& path) {
  File file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0)
    throw CheckpointError(fmt::format("cannot read checkpoint '{}': {}", path, errorText(errno)));
  struct stat status {};
  if (::fstat(file.get(), &status) != 0)
    throw CheckpointError(fmt::format("cannot read checkpoint '{}': {}", path, errorText(errno)));
  if (!S_ISREG(status.st_mode))
    throw CheckpointError(fmt::format("checkpoint '{}' is not a regular file", path));
  std::vector<char> bytes(static_cast<std::size_t>(status.st_size));
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::read(file.get(), bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw CheckpointError(fmt::format("cannot read checkpoint '{}': {}", path, errorText(errno)));
    if (n == 0) break;  // shorter than when it was measured: decode says truncated
    got += static_cast<std::size_t>(n);
  }
  bytes.resize(got);
  return decodeCheckpoint(bytes, path);
}

void checkBelongsTo(const Checkpoint& checkpoint, std::string_view pipeline, std::string_view fingerprint,
                    const std::string& path) {
  const auto name = [](std::string_view n) {
    return n.empty() ? std::string("(global namespace)") : fmt::format("'{}'", n);
  };
  if (checkpoint.pipeline != pipeline)
    throw CheckpointError(fmt::format(
        "checkpoint '{}' was written by pipeline {}, and this program runs pipeline {}; it was left "
        "as it is",
        path, name(checkpoint.pipeline), name(pipeline)));
  if (checkpoint.fingerprint != fingerprint)
    throw CheckpointError(fmt::format(
        "checkpoint '{}' was written by pipeline {} with other stages or types (fingerprint {}, "
        "this program's is {}); it was left as it is",
        path, name(pipeline), checkpoint.fingerprint, fingerprint));
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

namespace {

// What the lock file says about its holder, fit for a message: one line,
// printable characters only (it is only a file; anyone may have written it).
std::string lockHolder(int fd) {
  std::array<char, 200> buffer{};
  const ssize_t n = ::pread(fd, buffer.data(), buffer.size(), 0);
  std::string holder;
  for (ssize_t i = 0; i < n && buffer[static_cast<std::size_t>(i)] != '\n'; ++i) {
    const char c = buffer[static_cast<std::size_t>(i)];
    holder += c >= 0x20 && c < 0x7f ? c : '?';
  }
  return holder;
}

std::string thisRun() {
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return fmt::format("pid {} on host {}", ::getpid(), host[0] ? host.data() : "(unknown)");
}

}  // namespace

CheckpointLock::CheckpointLock(const std::string& path) : path_(checkpointLockPath(path)) {
  const auto cannot = [&](std::string_view what, int error) {
    return CheckpointError(fmt::format("cannot {} the lock file '{}' of checkpoint '{}': {}", what,
                                       path_, path, errorText(error)));
  };
  for (;;) {
    File file(::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (file.get() < 0) throw cannot("create", errno);
    if (::flock(file.get(), LOCK_EX | LOCK_NB) != 0) {
      const int error = errno;
      if (error == EWOULDBLOCK) {
        // The holder writes who it is right after it locks: give it a moment.
        std::string holder = lockHolder(file.get());
        for (int tries = 0; holder.empty() && tries != 20; ++tries) {
          ::usleep(10'000);
          holder = lockHolder(file.get());
        }
        throw CheckpointError(fmt::format(
            "checkpoint '{}' is in use by another run ({}); two runs on one checkpoint would "
            "overwrite each other's: wait for that run to end, or give this one another file",
            path, holder.empty() ? "it is starting" : holder));
      }
      if (error == ENOLCK || error == EOPNOTSUPP || error == ENOSYS) {
        warning_ = fmt::format("the file system of checkpoint '{}' cannot lock '{}' ({}): "
                               "nothing stops a second run on the same checkpoint",
                               path, path_, errorText(error));
        return;
      }
      throw cannot("lock", error);
    }
    // The previous holder removes the file when it ends: if it did so
    // between our open and our lock, we hold the lock of a file that is
    // gone, and must lock the one at the path now.
    struct stat held {}, current {};
    if (::fstat(file.get(), &held) != 0) throw cannot("read", errno);
    if (::stat(path_.c_str(), &current) != 0 || current.st_ino != held.st_ino || current.st_dev != held.st_dev)
      continue;
    const std::string holder = thisRun() + "\n";
    if (::ftruncate(file.get(), 0) != 0 || ::pwrite(file.get(), holder.data(), holder.size(), 0) < 0)
      throw cannot("write", errno);
    fd_ = file.release();
    return;
  }
}

CheckpointLock::~CheckpointLock() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());
  ::close(fd_);
}

}  // namespace jobstream::detail
