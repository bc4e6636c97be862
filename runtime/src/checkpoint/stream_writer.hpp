// Rank 0 writes a checkpoint in a thread of its own while the run goes on:
// the communication thread hands it pieces of sections in file order as
// they arrive and never waits for the disk. What it holds is what was handed
// and not yet written, and the pieces that came from other ranks are counted
// (counted()) so that rank 0 asks for more only while that stays under its
// buffer (coordinator.hpp).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "checkpoint/checkpoint_file.hpp"

namespace jobstream::detail {

class StreamWriter {
 public:
  // Starts the thread, which creates FILE.tmp (CheckpointWriter).
  StreamWriter(std::string path, std::string pipeline, std::string fingerprint, std::uint32_t ranks,
               std::int64_t writtenAt);
  // Abandons a write that was not committed, and joins.
  ~StreamWriter();
  StreamWriter(const StreamWriter&) = delete;
  StreamWriter& operator=(const StreamWriter&) = delete;

  // The next piece: the first of a section has offset 0, the others follow
  // it in order. `counted`: it came from another rank (counted()).
  void push(SectionPiece piece, bool counted);
  // Nothing more comes: the file is finished and put in place.
  void commit();
  // Nothing more comes and the file is not put in place.
  void abandon();

  // Bytes of counted pieces handed and not yet written.
  std::size_t counted() const;
  // The thread is done (committed, abandoned or failed); then error() and
  // seconds() may be read.
  bool done() const;
  void join();
  const std::string& error() const { return error_; }  // empty when the file is in place
  double seconds() const { return seconds_; }          // from the first piece to the rename

 private:
  struct Job {
    SectionPiece piece;
    bool counted = false;
  };
  void run(std::string pipeline, std::string fingerprint, std::uint32_t ranks, std::int64_t writtenAt);

  const std::string path_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  std::size_t counted_ = 0;
  enum class End : std::uint8_t { open, commit, abandon } end_ = End::open;
  bool done_ = false;
  std::string error_;
  double seconds_ = 0;
  std::thread thread_;
};

}  // namespace jobstream::detail
