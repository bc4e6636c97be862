// What the checkpoint file and its lock share: a file descriptor that
// closes itself, and errno as words.
#pragma once

#include <unistd.h>

#include <cstring>
#include <string>

namespace jobstream::detail::checkpoint_io {

inline std::string errorText(int error) { return std::strerror(error); }

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

}  // namespace jobstream::detail::checkpoint_io
