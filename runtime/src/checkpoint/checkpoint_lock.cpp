#include "checkpoint/checkpoint_lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "checkpoint/file_descriptor.hpp"

namespace jobstream::detail {

namespace {

using checkpoint_io::errorText;
using checkpoint_io::File;

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
