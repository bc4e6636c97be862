// Checkpoints taken while a run goes on, and runs resumed from them on the
// same, fewer or more loopback ranks, after a crash at the k-th checkpoint
// (stopAfter: a RankOptions::checkpointWritten that throws). Every reduction
// and frame must end with the value of an uninterrupted run however often
// the run was stopped.
#include <gmock/gmock.h>

#include <csignal>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <unistd.h>

#include "checkpoint/checkpoint_file.hpp"
#include "scope_pipelines.hpp"
#include "checkpoint/state.hpp"
#include "messages/wire.hpp"

namespace jstest {
namespace {

using namespace scoped;
namespace fs = std::filesystem;

// ---------------------------------------------------------------------------
// fault: a frame per n whose body squares 1..n (slowly), reduces them in the
// frame and recurs three rounds; a top-level reduce adds up every instance.
// A round that reduces other than n items throws, so an item lost or run
// twice by a resume fails the run instead of hiding in a sum.
namespace fault {
using mean::Sum;
using rounds::next;  // throws when a round reduces other than n items
using rounds::Rounds;
using rounds::start;
struct Grand {
  long long instances = 0;
  long long total = 0;
  long long weighted = 0;  // sum of n * total: a swapped or lost instance shows
};
inline Recorder<std::string>& recorded() {
  static Recorder<std::string> r;
  return r;
}
inline std::atomic<int> sleepMicros{0};
inline std::atomic<long long> squares{0};  // calls, across runs: what a resume made again
inline long long square(const int& x) {
  ++squares;
  if (const int micros = sleepMicros.load()) std::this_thread::sleep_for(std::chrono::microseconds(micros));
  return static_cast<long long>(x) * x;
}
inline void grand(Grand& g, std::span<const Rounds> in, std::span<const Grand> others) {
  for (const Rounds& r : in) {
    ++g.instances;
    g.total += r.total;
    g.weighted += r.n * r.total;
  }
  for (const Grand& o : others) {
    g.instances += o.instances;
    g.total += o.total;
    g.weighted += o.weighted;
  }
}
inline std::string text(const Grand& g) {
  return std::to_string(g.instances) + ":" + std::to_string(g.total) + ":" + std::to_string(g.weighted);
}
inline void record(const std::string& s) { recorded().add(s); }

inline const StageDef stages[] = {
    {.kind = StageKind::frame, .name = "fault::start", .input = &itemTypeOf<int>, .inputName = "int",
     .serial = false, .partner = 3, .store = &itemTypeOf<Rounds>, .newStore = &newStore<Rounds>,
     .enter = &enter<start, Rounds, int, 0, 1>},
    {.kind = StageKind::job, .name = "fault::square", .input = &itemTypeOf<int>, .inputName = "int",
     .serial = false, .process = &job<square, int, 1, 2>, .owner = 0},
    {.kind = StageKind::reduce, .name = "fault::add", .input = &itemTypeOf<long long>, .inputName = "long long",
     .serial = false, .owner = 0, .store = &itemTypeOf<Sum>, .newStore = &newStore<Sum>,
     .reduce = &reduce<mean::add, Sum, long long, 2, 1>, .merge = &merge<mean::add, Sum, long long, 2, 1>,
     .leave = &leaveStore<Sum, 2, 3>},
    {.kind = StageKind::frame_end, .name = "fault::next", .input = &itemTypeOf<Sum>, .inputName = "Sum",
     .serial = false, .owner = 0, .region = 1, .partner = 0, .store = &itemTypeOf<Rounds>,
     .frameEnd = &frameEnd<next, Rounds, Sum, 3, 1>, .leave = &leaveStore<Rounds, 3, 4>},
    {.kind = StageKind::reduce, .name = "fault::grand", .input = &itemTypeOf<Rounds>, .inputName = "Rounds",
     .serial = false, .store = &itemTypeOf<Grand>, .newStore = &newStore<Grand>,
     .reduce = &reduce<grand, Grand, Rounds, 4, 0>, .merge = &merge<grand, Grand, Rounds, 4, 0>,
     .leave = &leaveEmit<text, Grand, 5, 6>},
    {.kind = StageKind::emit, .name = "fault::text", .input = &itemTypeOf<Grand>, .inputName = "Grand",
     .serial = false, .region = 1},
    {.kind = StageKind::result, .name = "fault::record", .input = &itemTypeOf<std::string>,
     .inputName = "std::string", .serial = false, .process = &result<record, std::string, 6>, .region = 1},
};
inline const PipelineDef pipeline{"fault", "fault-v1", stages, 0, nullptr};

std::string expected(int last) {
  Grand g;
  for (long long n = 1; n <= last; ++n) {
    const long long total = 3 * n * (n + 1) * (2 * n + 1) / 6;
    ++g.instances;
    g.total += total;
    g.weighted += n * total;
  }
  return text(g);
}
}  // namespace fault

class CheckpointTest : public testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() /
              ("jobstream-checkpoint-test-" + std::to_string(::getpid()) + "-" +
               testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(folder_);
    fs::create_directories(folder_);
    file_ = (folder_ / "run.ckpt").string();
    fault::recorded().clear();
    fault::sleepMicros = 0;
    fault::squares = 0;
  }
  void TearDown() override { fs::remove_all(folder_); }

  // One run of `fault` over 1..last: fresh, or resumed from the file.
  LoopbackRun run(int ranks, int threads, bool resume, int crashAfter, double interval, bool chaos, int last) {
    RankOptions options;
    options.checkpoint = file_;
    options.checkpointInterval = interval;
    options.checkpointWritten = stopAfter(crashAfter);
    // Small pieces, so that every checkpoint and every resume goes through
    // rank 0 in many of them.
    options.checkpointLimits = kLimits;
    std::unique_ptr<BatchBase> items;
    if (resume) {
      auto file = std::make_shared<const CheckpointReader>(file_);
      checkBelongsTo(file->index(), fault::pipeline.name, fault::pipeline.fingerprint, file_);
      options.resuming = true;
      options.resume = std::make_shared<ResumePlan>(planResume(fault::pipeline, file, ranks));
    } else {
      items = batchOf(range(1, last + 1));
    }
    LoopbackChaos mode;
    if (chaos) mode = LoopbackChaos{true, static_cast<std::uint64_t>(ranks * 31 + crashAfter), 300us};
    return runLoopback(fault::pipeline, ranks, threads, std::move(items), mode, 60s, options, stopSignals_);
  }

  fs::path folder_;
  std::string file_;
  std::vector<const std::atomic<int>*> stopSignals_;  // per rank, where its signal handler would note a signal
  static constexpr CheckpointLimits kLimits{1024, 4096};
};

// Many checkpoints during one run: the pauses must not change the answer,
// and the file is gone once the run has succeeded.
TEST_F(CheckpointTest, CheckpointsDuringARunLeaveItsAnswerAlone) {
  fault::sleepMicros = 100;
  for (const auto& [ranks, chaos] : {std::pair{1, false}, std::pair{3, false}, std::pair{4, true}}) {
    SCOPED_TRACE(std::to_string(ranks) + " ranks" + (chaos ? ", chaos" : ""));
    fault::recorded().clear();
    LoopbackRun result = run(ranks, 2, false, 0, 0.002, chaos, 40);
    ASSERT_TRUE(allSucceeded(result)) << result.ranks[0].error;
    EXPECT_GT(result.ranks[0].checkpointPauses.size(), 2u) << "the run should have been checkpointed several times";
    EXPECT_EQ(fault::recorded().sorted(), std::vector<std::string>{fault::expected(40)});
    EXPECT_FALSE(fs::exists(file_)) << "a run that succeeded leaves no checkpoint";
  }
}

// Crash after a few checkpoints, resume on another number of ranks, crash
// again, ... then finish: the one answer is the uninterrupted one. Results
// may run again for work after the last checkpoint, never with other values.
TEST_F(CheckpointTest, ResumedOnAnyNumberOfRanksAfterEachCrash) {
  fault::sleepMicros = 150;
  const int last = 60;
  struct Leg {
    int ranks;
    bool chaos;
  };
  const std::vector<std::vector<Leg>> plans = {
      {{2, false}, {1, false}},            // np 2, resumed at np 1
      {{2, false}, {4, false}},            // np 2, resumed at np 4
      {{3, true}, {2, true}, {5, false}, {1, false}},  // killed three times
  };
  for (const std::vector<Leg>& legs : plans) {
    std::string name;
    for (const Leg& leg : legs) name += std::to_string(leg.ranks) + (leg.chaos ? "c " : " ");
    SCOPED_TRACE("ranks per run: " + name);
    fault::recorded().clear();
    fs::remove(file_);
    for (std::size_t i = 0; i != legs.size(); ++i) {
      const bool final = i + 1 == legs.size();
      LoopbackRun result = run(legs[i].ranks, 2, i != 0, final ? 0 : 3, 0.004, legs[i].chaos, last);
      ASSERT_FALSE(result.timedOut);
      EXPECT_LE(result.ranks[0].checkpointBuffered, kLimits.bufferBytes)
          << "rank 0 held more of the other ranks' state than its buffer";
      if (legs[i].ranks > 1) {
        EXPECT_GT(result.ranks[0].checkpointBuffered, 0u);
      }
      if (final) {
        ASSERT_TRUE(allSucceeded(result)) << result.ranks[0].error;
        EXPECT_FALSE(fs::exists(file_));
      } else {
        ASSERT_NE(result.ranks[0].exitCode, 0) << "the run ended before its third checkpoint: make it slower";
        ASSERT_NE(result.ranks[0].error.find("stopped after 3 checkpoints"), std::string::npos)
            << result.ranks[0].error;
        ASSERT_TRUE(fs::exists(file_));
      }
    }
    const std::vector<std::string> seen = fault::recorded().sorted();
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), std::set<std::string>{fault::expected(last)});
  }
}

// SIGTERM reaching one rank mid-run, as its signal handler notes it: every
// rank stops with exit status 143 after a checkpoint taken at once, which
// stays, and the rerun (also on another number of ranks) resumes from it
// with the uninterrupted answer. The checkpoint waits for the running calls,
// so no call made before the signal is made again: across both runs every
// square is computed exactly once.
TEST_F(CheckpointTest, ASignalAtOneRankCheckpointsAtOnceAndStopsTheRun) {
  fault::sleepMicros = 150;
  const int last = 40;
  const long long calls = 3LL * last * (last + 1) / 2;  // three rounds of 1..n, for every n
  struct Leg {
    int ranks;
    int signalled;
    int resumedOn;
    bool chaos;
  };
  for (const Leg& leg : {Leg{1, 0, 1, false}, Leg{3, 2, 2, false}, Leg{4, 1, 3, true}}) {
    SCOPED_TRACE(std::to_string(leg.ranks) + " ranks, the signal at rank " + std::to_string(leg.signalled));
    fault::recorded().clear();
    fault::squares = 0;
    fs::remove(file_);
    std::vector<std::atomic<int>> notes(static_cast<std::size_t>(leg.ranks));
    stopSignals_.clear();
    for (const std::atomic<int>& note : notes) stopSignals_.push_back(&note);
    std::thread sender([&] {
      while (fault::squares.load() < calls / 3) std::this_thread::sleep_for(100us);
      notes[static_cast<std::size_t>(leg.signalled)] = SIGTERM;
    });
    LoopbackRun stopped = run(leg.ranks, 2, false, 0, 600, leg.chaos, last);
    sender.join();
    stopSignals_.clear();
    ASSERT_FALSE(stopped.timedOut);
    for (const RunResult& rank : stopped.ranks) EXPECT_EQ(rank.exitCode, 143) << rank.error;
    EXPECT_THAT(stopped.ranks[0].error, testing::HasSubstr("stopped by SIGTERM; checkpoint written to"));
    ASSERT_TRUE(fs::exists(file_)) << "the signal's checkpoint is gone";
    const long long before = fault::squares.load();
    EXPECT_LT(before, calls) << "the run ended before the signal could stop it: make it slower";
    EXPECT_TRUE(fault::recorded().sorted().empty()) << "the stopped run emitted its result";

    LoopbackRun resumed = run(leg.resumedOn, 2, true, 0, 600, leg.chaos, last);
    ASSERT_TRUE(allSucceeded(resumed)) << resumed.ranks[0].error;
    EXPECT_EQ(fault::recorded().sorted(), std::vector<std::string>{fault::expected(last)});
    EXPECT_FALSE(fs::exists(file_));
    EXPECT_EQ(fault::squares.load(), calls) << "calls made again by the resumed run: " << fault::squares.load() - calls
                                            << " (" << before << " before the stop)";
  }
}

// A snapshot that lost an item (here: one queued task dropped, with the
// checksums made right again) is refused, not resumed into a hang.
TEST_F(CheckpointTest, ACheckpointThatLostItemsIsRefused) {
  fault::sleepMicros = 150;
  LoopbackRun result = run(2, 2, false, 2, 0.004, false, 60);
  ASSERT_NE(result.ranks[0].exitCode, 0);
  Checkpoint checkpoint = readCheckpoint(file_);
  EXPECT_NO_THROW(planResume(fault::pipeline, std::make_shared<const CheckpointReader>(file_), 3));
  bool dropped = false;
  for (CheckpointSection& section : checkpoint.sections) {
    if (section.name != "tasks" || dropped) continue;
    // The section is whole and says what it holds; the item is lost all the same.
    TasksHead head;
    std::vector<Task> tasks;
    LoadArchive in(section.bytes);
    in(head);
    describe(in, tasks, fault::pipeline);
    if (tasks.empty()) continue;
    head.items -= tasks.back().size();
    tasks.pop_back();
    section.bytes.clear();
    SaveArchive out(section.bytes);
    out(head);
    describe(out, tasks, fault::pipeline);
    dropped = true;
  }
  ASSERT_TRUE(dropped) << "no rank had queued items at the checkpoint";
  writeCheckpoint(file_, checkpoint);
  try {
    planResume(fault::pipeline, std::make_shared<const CheckpointReader>(file_), 3);
    FAIL() << "an inconsistent checkpoint was accepted";
  } catch (const CheckpointError& e) {
    EXPECT_THAT(std::string(e.what()), testing::HasSubstr("is inconsistent: it counts"));
  }
}

// A section cut short, padded or with a byte changed (its checksum made right
// again) is refused naming the section, or still reads as a checkpoint of
// this pipeline; it never crashes or misreads past its end.
TEST_F(CheckpointTest, ADamagedSectionIsRefusedNamingIt) {
  fault::sleepMicros = 150;
  LoopbackRun result = run(2, 2, false, 2, 0.004, false, 60);
  ASSERT_NE(result.ranks[0].exitCode, 0);
  const Checkpoint checkpoint = readCheckpoint(file_);
  const auto refusal = [&](const Checkpoint& damaged) -> std::string {
    try {
      // Rank 0 routes by a few fields; the ranks decode the rest.
      planResume(fault::pipeline, std::make_shared<const CheckpointReader>(encodeCheckpoint(damaged), file_), 3);
      decodeCheckpoint(fault::pipeline, damaged, file_);
    } catch (const CheckpointError& e) {
      return e.what();
    }
    return "";
  };
  for (std::size_t s = 0; s != checkpoint.sections.size(); ++s) {
    const CheckpointSection& section = checkpoint.sections[s];
    const std::string name = "section '" + section.name + "' of rank " + std::to_string(section.rank) + ": ";
    SCOPED_TRACE(name);
    Checkpoint damaged = checkpoint;
    std::vector<char>& bytes = damaged.sections[s].bytes;
    const std::size_t step = std::max<std::size_t>(1, section.bytes.size() / 200);
    for (std::size_t cut = 0; cut < section.bytes.size(); cut += step) {
      bytes.assign(section.bytes.begin(), section.bytes.begin() + static_cast<std::ptrdiff_t>(cut));
      EXPECT_THAT(refusal(damaged), testing::HasSubstr(name)) << "cut at " << cut;
    }
    bytes = section.bytes;
    bytes.push_back(0);
    EXPECT_THAT(refusal(damaged), testing::HasSubstr(name + "it goes on past its end (1 more bytes)"));
    for (std::size_t at = 0; at < section.bytes.size(); at += step) {
      bytes = section.bytes;
      bytes[at] = static_cast<char>(bytes[at] ^ 0x5A);
      refusal(damaged);  // refused or read: either is fine, a crash is not
    }
  }
}

// Queued work becomes tasks sections of about the size asked: a large batch
// is cut, and the sections read back as the same items in the same order,
// each section saying how many it holds.
TEST_F(CheckpointTest, ALargeBatchIsCutIntoSectionsThatReadBackWhole) {
  RankState state;
  std::shared_ptr<BatchBase> batch = batchOf(range(1, 2001));
  state.tasks.push_back(Task{fault::pipeline.entry, 0, 0, batch, 0, 2000});
  state.tasks.push_back(Task{fault::pipeline.entry, 0, 0, batch, 100, 103});  // a small one after it
  const std::vector<CheckpointSection> sections = encodeRankState(fault::pipeline, 1, state, 512);
  std::size_t tasksSections = 0;
  for (const CheckpointSection& section : sections) {
    if (section.name != "tasks") continue;
    ++tasksSections;
    EXPECT_LE(section.bytes.size(), 512u + 64u) << "a tasks section much larger than asked";
  }
  EXPECT_GT(tasksSections, 4u);
  const RankState back = decodeRankState(fault::pipeline, 1, sections);
  std::vector<int> items;
  for (const Task& task : back.tasks) {
    EXPECT_EQ(task.stage, fault::pipeline.entry);
    const auto& values = itemsOf<int>(*task.batch);
    items.insert(items.end(), values.begin() + static_cast<std::ptrdiff_t>(task.begin),
                 values.begin() + static_cast<std::ptrdiff_t>(task.end));
  }
  std::vector<int> expected = range(1, 2001);
  expected.insert(expected.end(), {101, 102, 103});
  EXPECT_EQ(items, expected);
}

// A checkpoint describes itself: pending items per stage, stores, instances.
TEST_F(CheckpointTest, InfoDescribesWhatACheckpointHolds) {
  fault::sleepMicros = 150;
  LoopbackRun result = run(2, 2, false, 2, 0.004, false, 60);
  ASSERT_NE(result.ranks[0].exitCode, 0);
  std::ostringstream out, err;
  EXPECT_EQ(describeCheckpoint(fault::pipeline, file_, out, err), 0) << err.str();
  const std::string text = out.str();
  EXPECT_NE(text.find("pipeline   'fault', fingerprint fault-v1"), std::string::npos) << text;
  EXPECT_NE(text.find("ranks      2"), std::string::npos) << text;
  EXPECT_NE(text.find("pending items per stage"), std::string::npos) << text;
  EXPECT_NE(text.find("fault::start"), std::string::npos) << text;  // instances of the frame
  EXPECT_NE(text.find("instances,"), std::string::npos) << text;

  // Another pipeline's program describes the header, then says why it stops.
  std::ostringstream out2, err2;
  EXPECT_EQ(describeCheckpoint(mean::pipeline, file_, out2, err2), 1);
  EXPECT_NE(out2.str().find("ranks      2"), std::string::npos);
  EXPECT_NE(err2.str().find("pipeline"), std::string::npos) << err2.str();
}

}  // namespace
}  // namespace jstest
