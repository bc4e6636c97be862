// The checkpoint file container: what is written is read back exactly, the
// write is atomic, and every file it cannot vouch for is refused with a
// message that says what is wrong, leaving the file as it was.
#include <fcntl.h>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "checkpoint/checkpoint_file.hpp"
#include "checkpoint/checkpoint_lock.hpp"
#include "checkpoint/stream_writer.hpp"

namespace jstest {
namespace {

using jobstream::detail::Checkpoint;
using jobstream::detail::CheckpointError;
using jobstream::detail::CheckpointSection;
using testing::HasSubstr;
namespace fs = std::filesystem;

// A fresh folder per test, removed afterwards.
class CheckpointFile : public testing::Test {
 protected:
  void SetUp() override {
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    folder_ = fs::temp_directory_path() /
              (std::string("jobstream-checkpoint-") + info->name() + "-" + std::to_string(::getpid()));
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }

  std::string path(const std::string& name) const { return (folder_ / name).string(); }

  static std::vector<char> bytesOf(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  static void put(const std::string& file, const std::vector<char>& bytes) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }

  // The message of the CheckpointError that reading `file` throws; fails
  // the test if it throws nothing or something else, or if the file changed.
  static std::string refusal(const std::string& file) {
    const std::vector<char> before = bytesOf(file);
    std::string message;
    try {
      jobstream::detail::readCheckpoint(file);
      ADD_FAILURE() << "read a file that should have been refused";
    } catch (const CheckpointError& e) {
      message = e.what();
    }
    EXPECT_EQ(bytesOf(file), before) << "reading changed the file";
    return message;
  }

  fs::path folder_;
};

Checkpoint sample() {
  Checkpoint checkpoint;
  checkpoint.pipeline = "wordlen";
  checkpoint.fingerprint = "0123456789abcdef";
  checkpoint.ranks = 3;
  checkpoint.writtenAt = 1'800'000'000;
  for (std::uint32_t rank = 0; rank != 3; ++rank) {
    std::vector<char> bytes;
    for (std::uint32_t i = 0; i != 100 * (rank + 1); ++i) bytes.push_back(static_cast<char>(i * 7 + rank));
    checkpoint.sections.push_back({"tasks", rank, bytes});
  }
  checkpoint.sections.push_back({"empty", 1, {}});
  return checkpoint;
}

TEST_F(CheckpointFile, WhatIsWrittenIsReadBack) {
  const std::string file = path("run.ckpt");
  jobstream::detail::writeCheckpoint(file, sample());
  EXPECT_EQ(jobstream::detail::readCheckpoint(file), sample());
  // Only the file itself is left: no temporary beside it.
  EXPECT_EQ(std::distance(fs::directory_iterator(folder_), fs::directory_iterator()), 1);
}

TEST_F(CheckpointFile, ANameWithoutAFolderIsInTheWorkingDirectory) {
  const fs::path before = fs::current_path();
  fs::current_path(folder_);
  jobstream::detail::writeCheckpoint("here.ckpt", sample());
  EXPECT_EQ(jobstream::detail::readCheckpoint("here.ckpt"), sample());
  fs::current_path(before);
}

TEST_F(CheckpointFile, ANewCheckpointReplacesTheOldOneWhole) {
  const std::string file = path("run.ckpt");
  jobstream::detail::writeCheckpoint(file, sample());
  Checkpoint next = sample();
  next.sections.resize(1);
  next.writtenAt += 600;
  jobstream::detail::writeCheckpoint(file, next);
  EXPECT_EQ(jobstream::detail::readCheckpoint(file), next);
}

TEST_F(CheckpointFile, ATemporaryFileLeftByAKilledWriteIsOverwritten) {
  const std::string file = path("run.ckpt");
  std::ofstream(jobstream::detail::temporaryCheckpointPath(file)) << "half a checkpoint";
  jobstream::detail::writeCheckpoint(file, sample());
  EXPECT_EQ(jobstream::detail::readCheckpoint(file), sample());
  EXPECT_FALSE(fs::exists(jobstream::detail::temporaryCheckpointPath(file)));
}

TEST_F(CheckpointFile, AFailedWriteLeavesThePreviousCheckpointAsItWas) {
  const std::string file = path("run.ckpt");
  jobstream::detail::writeCheckpoint(file, sample());
  const std::vector<char> before = bytesOf(file);
  // The temporary file's name is taken by a folder: the write cannot start.
  fs::create_directory(jobstream::detail::temporaryCheckpointPath(file));
  Checkpoint next = sample();
  next.writtenAt += 600;
  try {
    jobstream::detail::writeCheckpoint(file, next);
    FAIL() << "the write should have failed";
  } catch (const CheckpointError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot write checkpoint '" + file + "'"));
    EXPECT_THAT(e.what(), HasSubstr("the previous checkpoint, if any, is unchanged"));
  }
  EXPECT_EQ(bytesOf(file), before);
}

TEST_F(CheckpointFile, AFolderThatDoesNotExistIsRefusedBeforeWriting) {
  const std::string file = path("missing/run.ckpt");
  try {
    jobstream::detail::checkWritable(file);
    FAIL() << "a missing folder should be refused";
  } catch (const CheckpointError& e) {
    EXPECT_THAT(e.what(), HasSubstr("its folder '" + path("missing") + "' does not exist"));
  }
  EXPECT_THROW(jobstream::detail::writeCheckpoint(file, sample()), CheckpointError);
  EXPECT_FALSE(fs::exists(path("missing")));
}

TEST_F(CheckpointFile, AFolderInsteadOfAFileIsRefused) {
  fs::create_directory(path("run.ckpt"));
  EXPECT_THROW(jobstream::detail::checkWritable(path("run.ckpt")), CheckpointError);
  try {
    jobstream::detail::readCheckpoint(path("run.ckpt"));
    FAIL() << "a folder is not a checkpoint";
  } catch (const CheckpointError& e) {
    EXPECT_THAT(e.what(), HasSubstr("is not a regular file"));
  }
  put(path("file"), {'x'});
  try {
    jobstream::detail::checkWritable(path("file") + "/run.ckpt");
    FAIL() << "a file as the folder should be refused";
  } catch (const CheckpointError& e) {
    EXPECT_THAT(e.what(), HasSubstr("is not a folder"));
  }
}

TEST_F(CheckpointFile, AMissingFileSaysSo) {
  try {
    jobstream::detail::readCheckpoint(path("nothing.ckpt"));
    FAIL() << "a missing file cannot be read";
  } catch (const CheckpointError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot read checkpoint '" + path("nothing.ckpt") + "'"));
    EXPECT_THAT(e.what(), HasSubstr("No such file"));
  }
}

TEST_F(CheckpointFile, AnotherKindOfFileIsNotACheckpoint) {
  put(path("notes.txt"), {'h', 'e', 'l', 'l', 'o', '\n'});
  EXPECT_THAT(refusal(path("notes.txt")), HasSubstr("is not a jobstream checkpoint"));
  put(path("empty"), {});
  EXPECT_THAT(refusal(path("empty")), HasSubstr("is not a jobstream checkpoint"));
}

// A file written a piece at a time is the file written whole, and the
// reader gives any part of any section without reading the rest.
TEST_F(CheckpointFile, WrittenInPiecesIsWrittenWholeAndReadInParts) {
  const Checkpoint checkpoint = sample();
  {
    jobstream::detail::CheckpointWriter writer(path("pieces.ckpt"), checkpoint.pipeline, checkpoint.fingerprint,
                                               checkpoint.ranks, checkpoint.writtenAt);
    for (const CheckpointSection& section : checkpoint.sections) {
      writer.beginSection(section.name, section.rank, section.bytes.size());
      for (std::size_t at = 0; at < section.bytes.size(); at += 7)
        writer.append(section.bytes.data() + at, std::min<std::size_t>(7, section.bytes.size() - at));
    }
    EXPECT_THROW(writer.append("x", 1), std::logic_error);  // no section is open
    writer.commit();
  }
  EXPECT_EQ(bytesOf(path("pieces.ckpt")), jobstream::detail::encodeCheckpoint(checkpoint));
  const jobstream::detail::CheckpointReader reader(path("pieces.ckpt"));
  ASSERT_EQ(reader.index().sections.size(), checkpoint.sections.size());
  EXPECT_EQ(reader.index().bytes(), 600u);
  const auto& rank2 = reader.index().sections[2];
  EXPECT_EQ(rank2.rank, 2u);
  const std::vector<char> middle = reader.read(rank2, 100, 50);
  EXPECT_EQ(middle, std::vector<char>(checkpoint.sections[2].bytes.begin() + 100,
                                      checkpoint.sections[2].bytes.begin() + 150));
  EXPECT_THROW(reader.read(rank2, 299, 2), std::logic_error);
}

// The writer thread takes pieces in order and puts the file in place when
// told; abandoned, it leaves the previous checkpoint and no temporary file.
TEST_F(CheckpointFile, TheWriterThreadWritesPiecesAndCountsOnlyOtherRanks) {
  const Checkpoint checkpoint = sample();
  const auto write = [&](bool commit) {
    jobstream::detail::StreamWriter writer(path("stream.ckpt"), checkpoint.pipeline, checkpoint.fingerprint,
                                           checkpoint.ranks, checkpoint.writtenAt);
    for (const CheckpointSection& section : checkpoint.sections) {
      const std::uint64_t size = section.bytes.size();
      for (std::uint64_t at = 0; at < size || at == 0; at += 64) {
        const auto from = section.bytes.begin() + static_cast<std::ptrdiff_t>(at);
        const auto to = section.bytes.begin() + static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(size, at + 64));
        writer.push(jobstream::detail::SectionPiece{section.name, section.rank, size, at, {from, to}}, section.rank != 0);
        if (size == 0) break;
      }
    }
    EXPECT_LE(writer.counted(), 500u);  // rank 0's 100 bytes are not counted
    if (commit) {
      writer.commit();
    } else {
      writer.abandon();
    }
    writer.join();
    EXPECT_TRUE(writer.done());
    EXPECT_EQ(writer.counted(), 0u);
    return writer.error();
  };
  EXPECT_EQ(write(true), "");
  EXPECT_EQ(jobstream::detail::readCheckpoint(path("stream.ckpt")), checkpoint);
  const std::vector<char> before = bytesOf(path("stream.ckpt"));
  EXPECT_NE(write(false), "");
  EXPECT_EQ(bytesOf(path("stream.ckpt")), before);
  EXPECT_FALSE(fs::exists(path("stream.ckpt.tmp")));
}

TEST_F(CheckpointFile, AnotherFormatIsRefusedWithBothVersions) {
  std::vector<char> bytes = jobstream::detail::encodeCheckpoint(sample());
  bytes[12] = 7;  // the format, after the magic and the byte-order marker
  put(path("newer.ckpt"), bytes);
  const std::string message = refusal(path("newer.ckpt"));
  EXPECT_THAT(message, HasSubstr("has format 7, written by a newer jobstream"));
  EXPECT_THAT(message, HasSubstr("reads format " + std::to_string(jobstream::detail::kCheckpointFormat) + " only"));
  bytes[12] = 0;
  put(path("older.ckpt"), bytes);
  EXPECT_THAT(refusal(path("older.ckpt")), HasSubstr("written by an older jobstream"));
  // The format before this one, whose sections this program cannot read.
  bytes[12] = static_cast<char>(jobstream::detail::kCheckpointFormat - 1);
  put(path("previous.ckpt"), bytes);
  EXPECT_THAT(refusal(path("previous.ckpt")),
              HasSubstr(fmt::format("has format {}, written by an older jobstream; this program reads format {} only",
                                    jobstream::detail::kCheckpointFormat - 1, jobstream::detail::kCheckpointFormat)));
}

TEST_F(CheckpointFile, AnotherByteOrderIsRefused) {
  std::vector<char> bytes = jobstream::detail::encodeCheckpoint(sample());
  std::swap(bytes[8], bytes[11]);
  std::swap(bytes[9], bytes[10]);
  put(path("swapped.ckpt"), bytes);
  EXPECT_THAT(refusal(path("swapped.ckpt")), HasSubstr("another byte order"));
}

TEST_F(CheckpointFile, EveryTruncationIsRefused) {
  const std::vector<char> bytes = jobstream::detail::encodeCheckpoint(sample());
  for (std::size_t size = 1; size < bytes.size(); ++size) {
    put(path("cut.ckpt"), std::vector<char>(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(size)));
    const std::string message = refusal(path("cut.ckpt"));
    // Cut inside the end marker or its size field, the file may also read as corrupt.
    EXPECT_TRUE(message.find("is truncated") != std::string::npos || message.find("is corrupt") != std::string::npos)
        << "cut at " << size << ": " << message;
  }
  put(path("cut.ckpt"), std::vector<char>(bytes.begin(), bytes.begin() + 500));
  EXPECT_THAT(refusal(path("cut.ckpt")), HasSubstr("is truncated: its 500 bytes end inside section 'tasks' of rank"));
}

TEST_F(CheckpointFile, EveryChangedByteIsRefused) {
  const std::vector<char> bytes = jobstream::detail::encodeCheckpoint(sample());
  for (std::size_t at = 0; at != bytes.size(); ++at) {
    std::vector<char> changed = bytes;
    changed[at] = static_cast<char>(changed[at] ^ 0x10);
    put(path("bad.ckpt"), changed);
    EXPECT_FALSE(refusal(path("bad.ckpt")).empty()) << "a change at byte " << at << " went unnoticed";
  }
}

TEST_F(CheckpointFile, ACorruptSectionIsNamed) {
  std::vector<char> bytes = jobstream::detail::encodeCheckpoint(sample());
  bytes[bytes.size() - 60] ^= 1;  // in rank 2's "tasks" payload: the empty section and the end take 51 bytes
  put(path("bad.ckpt"), bytes);
  EXPECT_THAT(refusal(path("bad.ckpt")), HasSubstr("is corrupt: the checksum of its section 'tasks' of rank 2"));
}

TEST_F(CheckpointFile, BytesAfterTheEndAreRefused) {
  std::vector<char> bytes = jobstream::detail::encodeCheckpoint(sample());
  bytes.push_back('\n');
  put(path("long.ckpt"), bytes);
  EXPECT_THAT(refusal(path("long.ckpt")), HasSubstr("is corrupt"));
}

TEST_F(CheckpointFile, ACheckpointOfAnotherPipelineIsRefused) {
  const Checkpoint checkpoint = sample();
  EXPECT_NO_THROW(jobstream::detail::checkBelongsTo(checkpoint, "wordlen", "0123456789abcdef", "run.ckpt"));
  try {
    jobstream::detail::checkBelongsTo(checkpoint, "primes", "fedcba9876543210", "run.ckpt");
    FAIL() << "another pipeline's checkpoint should be refused";
  } catch (const CheckpointError& e) {
    EXPECT_THAT(e.what(), HasSubstr("was written by pipeline 'wordlen', and this program runs pipeline 'primes'"));
  }
  try {
    jobstream::detail::checkBelongsTo(checkpoint, "wordlen", "fedcba9876543210", "run.ckpt");
    FAIL() << "a checkpoint of changed stages should be refused";
  } catch (const CheckpointError& e) {
    EXPECT_THAT(e.what(), HasSubstr("with other stages or types (fingerprint 0123456789abcdef, this program's is "
                                    "fedcba9876543210)"));
  }
}

std::string refusalOf(const std::string& path) {
  try {
    jobstream::detail::CheckpointLock second(path);
  } catch (const CheckpointError& e) {
    return e.what();
  }
  return "not refused";
}

TEST_F(CheckpointFile, OneRunAtATimeHoldsTheLock) {
  const std::string file = path("run.ckpt");
  {
    const jobstream::detail::CheckpointLock first(file);
    EXPECT_TRUE(fs::exists(file + ".lock"));
    EXPECT_THAT(refusalOf(file), HasSubstr("checkpoint '" + file + "' is in use by another run (pid " +
                                           std::to_string(::getpid()) + " on host "));
  }
  EXPECT_FALSE(fs::exists(file + ".lock")) << "the lock file outlived its run";
  EXPECT_EQ(refusalOf(file), "not refused");
}

// A holder killed with SIGKILL cleans nothing up: the kernel's dropping of
// its lock is what frees the file, at once.
TEST_F(CheckpointFile, AKilledHolderLeavesNoStaleLock) {
  const std::string file = path("run.ckpt");
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const jobstream::detail::CheckpointLock held(file);
    (void)!::write(ready[1], "x", 1);
    ::pause();
    ::_exit(0);
  }
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  EXPECT_THAT(refusalOf(file), HasSubstr("in use by another run (pid " + std::to_string(child) + " on host "));
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(fs::exists(file + ".lock"));  // left behind, but not locked
  EXPECT_EQ(refusalOf(file), "not refused");
  ::close(ready[0]);
  ::close(ready[1]);
}

TEST_F(CheckpointFile, ALockHeldByAStrangerStillNamesTheFile) {
  // A lock file someone else wrote, held but saying nothing useful.
  const std::string file = path("run.ckpt");
  std::ofstream(file + ".lock") << "\x1b[2J\nrest";
  const int fd = ::open((file + ".lock").c_str(), O_RDWR);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  EXPECT_THAT(refusalOf(file), HasSubstr("checkpoint '" + file + "' is in use by another run (?[2J)"));
  ::close(fd);
}

}  // namespace
}  // namespace jstest
