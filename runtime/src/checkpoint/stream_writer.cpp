#include "checkpoint/stream_writer.hpp"

namespace jobstream::detail {

StreamWriter::StreamWriter(std::string path, std::string pipeline, std::string fingerprint, std::uint32_t ranks,
                           std::int64_t writtenAt)
    : path_(std::move(path)) {
  thread_ = std::thread([this, pipeline = std::move(pipeline), fingerprint = std::move(fingerprint), ranks,
                         writtenAt]() mutable { run(std::move(pipeline), std::move(fingerprint), ranks, writtenAt); });
}

StreamWriter::~StreamWriter() {
  abandon();
  join();
}

void StreamWriter::push(SectionPiece piece, bool counted) {
  {
    std::lock_guard lock(mutex_);
    if (end_ != End::open) throw std::logic_error("a checkpoint piece after its end");
    if (counted) counted_ += piece.bytes.size();
    jobs_.push_back(Job{std::move(piece), counted});
  }
  wake_.notify_one();
}

void StreamWriter::commit() {
  {
    std::lock_guard lock(mutex_);
    if (end_ == End::open) end_ = End::commit;
  }
  wake_.notify_one();
}

void StreamWriter::abandon() {
  {
    std::lock_guard lock(mutex_);
    if (end_ == End::open) end_ = End::abandon;
  }
  wake_.notify_one();
}

std::size_t StreamWriter::counted() const {
  std::lock_guard lock(mutex_);
  return counted_;
}

bool StreamWriter::done() const {
  std::lock_guard lock(mutex_);
  return done_;
}

void StreamWriter::join() {
  if (thread_.joinable()) thread_.join();
}

void StreamWriter::run(std::string pipeline, std::string fingerprint, std::uint32_t ranks, std::int64_t writtenAt) {
  const auto start = std::chrono::steady_clock::now();
  std::optional<CheckpointWriter> file;
  std::string error;
  try {
    file.emplace(path_, pipeline, fingerprint, ranks, writtenAt);
  } catch (const std::exception& e) {
    error = e.what();
  }
  for (;;) {
    Job job;
    End end = End::open;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return !jobs_.empty() || end_ != End::open; });
      if (end_ == End::abandon) {
        jobs_.clear();
        counted_ = 0;
      }
      if (jobs_.empty()) {
        end = end_;
      } else {
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
    }
    if (end == End::commit && error.empty()) {
      try {
        file->commit();
      } catch (const std::exception& e) {
        error = e.what();
      }
    } else if (end == End::abandon && error.empty()) {
      file->abandon();
      error = "the checkpoint was abandoned before it was whole";
    }
    if (end != End::open) break;
    // After a failure the pieces are only dropped: the ranks that hold the
    // rest of the state still hand it over, and the run goes on.
    if (error.empty()) {
      try {
        const SectionPiece& piece = job.piece;
        if (piece.offset == 0) file->beginSection(piece.name, piece.rank, piece.size);
        if (!piece.bytes.empty()) file->append(piece.bytes.data(), piece.bytes.size());
      } catch (const std::exception& e) {
        error = e.what();  // CheckpointWriter removed its temporary file
      }
    }
    std::lock_guard lock(mutex_);
    if (job.counted) counted_ -= job.piece.bytes.size();
  }
  file.reset();
  std::lock_guard lock(mutex_);
  error_ = std::move(error);
  seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  done_ = true;
}

}  // namespace jobstream::detail
