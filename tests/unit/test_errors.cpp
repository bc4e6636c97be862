// An exception from a stage (job, result, init, finish) ends the run on
// every rank: a message naming the stage, the rank and the exception's
// text, a non-zero exit, and no hang. So does a stage that calls exit().
#include <gtest/gtest.h>

#include "test_pipelines.hpp"

namespace jstest {
namespace {

// errors: int -> explode (job) -> record (result)
namespace errors {

inline std::atomic<int> badItem{-1};
inline std::atomic<int> badRank{-1};
inline std::atomic<int> itemMicros{0};
inline std::atomic<bool> resultThrows{false};
inline std::atomic<int> exitItem{-1};

inline int explode(int x) {
  if (int us = itemMicros.load()) std::this_thread::sleep_for(std::chrono::microseconds(us));
  if (x == badItem.load()) throw std::runtime_error("boom " + std::to_string(x));
  if (jobstream::rank() == badRank.load()) throw std::runtime_error("boom on rank " + std::to_string(badRank.load()));
  if (x == -42) throw 42;  // not a std::exception
  if (x == exitItem.load()) std::exit(5);
  return x;
}
inline void record(const int& x) {
  if (resultThrows.load() && x == 7) throw std::invalid_argument("seven is not welcome");
}

inline void stage0(BatchBase& in_, std::size_t begin, std::size_t end, Emitter& em) {
  auto& in = static_cast<Batch<int>&>(in_).items;
  Output<int> out(em, 1);
  for (std::size_t i = begin; i != end; ++i) {
    em.current = 0;
    out.push(explode(in[i]));
  }
  out.close();
}
inline void stage1(BatchBase& in_, std::size_t begin, std::size_t end, Emitter& em) {
  auto& in = static_cast<Batch<int>&>(in_).items;
  for (std::size_t i = begin; i != end; ++i) {
    em.current = 1;
    record(in[i]);
  }
}

inline const StageDef stages[] = {
    {StageKind::job, "errors::explode", &itemTypeOf<int>, "int", false, nullptr, &stage0, nullptr},
    {StageKind::result, "errors::record", &itemTypeOf<int>, "int", false, nullptr, &stage1, nullptr},
};
inline const PipelineDef pipeline{"errors", "errors-v1", stages, 0, parserFor<int>()};

void reset() {
  badItem = -1;
  badRank = -1;
  itemMicros = 0;
  resultThrows = false;
  exitItem = -1;
}

}  // namespace errors

// broken: init (throws or not) -> job -> finish (throws or not)
namespace broken {

inline std::atomic<bool> initThrows{false};
inline std::atomic<bool> finishThrows{false};
inline std::atomic<bool> finishExits{false};

inline void init0(Emitter& em) {
  if (initThrows.load()) throw std::runtime_error("no input today");
  Output<int> out(em, 1);
  out.push(jobstream::Multiple<int>(range(0, 100)));
  out.close();
}
inline void stage1(BatchBase& in_, std::size_t begin, std::size_t end, Emitter& em) {
  auto& in = static_cast<Batch<int>&>(in_).items;
  Output<int> out(em, 2);
  for (std::size_t i = begin; i != end; ++i) {
    em.current = 1;
    out.push(in[i]);
  }
  out.close();
}
inline void finish2(BatchBase& all) {
  if (finishExits.load()) std::exit(0);
  if (finishThrows.load())
    throw std::runtime_error("got " + std::to_string(all.size()) + " items and did not like them");
}

inline const StageDef stages[] = {
    {StageKind::init, "broken::load", nullptr, "", false, &init0, nullptr, nullptr},
    {StageKind::job, "broken::pass", &itemTypeOf<int>, "int", false, nullptr, &stage1, nullptr},
    {StageKind::finish, "broken::summarise", &itemTypeOf<int>, "int", false, nullptr, nullptr, &finish2},
};
inline const PipelineDef pipeline{"broken", "broken-v1", stages, 1, parserFor<int>()};

}  // namespace broken

void expectAllFailed(const LoopbackRun& run) {
  ASSERT_FALSE(run.timedOut);
  for (std::size_t r = 0; r != run.ranks.size(); ++r) {
    EXPECT_NE(run.ranks[r].exitCode, 0) << "rank " << r << " did not notice the failure";
    EXPECT_NE(run.ranks[r].exitCode, 99) << run.ranks[r].error;
  }
}

TEST(Errors, JobExceptionNamesStageRankAndText) {
  errors::reset();
  errors::badItem = 13;
  ::testing::internal::CaptureStderr();
  LoopbackRun run = runLoopback(errors::pipeline, 1, 2, batchOf(range(0, 100)));
  const std::string err = ::testing::internal::GetCapturedStderr();
  expectAllFailed(run);
  EXPECT_EQ(run.ranks[0].exitCode, 1);
  EXPECT_EQ(run.ranks[0].error, "jobstream: error: stage 'errors::explode' failed on rank 0: boom 13");
  EXPECT_EQ(err, run.ranks[0].error + "\n");
}

TEST(Errors, ExceptionOnAnyRankStopsEveryRank) {
  for (int bad = 1; bad != 4; ++bad) {
    errors::reset();
    errors::badRank = bad;
    errors::itemMicros = 1000;  // slow items, so every rank steals some
    ::testing::internal::CaptureStderr();
    LoopbackRun run = runLoopback(errors::pipeline, 4, 1, batchOf(range(0, 400)));
    const std::string err = ::testing::internal::GetCapturedStderr();
    expectAllFailed(run);
    const std::string want = "jobstream: error: stage 'errors::explode' failed on rank " + std::to_string(bad) +
                             ": boom on rank " + std::to_string(bad);
    EXPECT_EQ(run.ranks[static_cast<std::size_t>(bad)].error, want);
    EXPECT_NE(err.find(want), std::string::npos) << err;
  }
}

TEST(Errors, ExceptionUnderChaosNeverHangs) {
  for (std::uint64_t seed = 1; seed != 6; ++seed) {
    errors::reset();
    errors::badItem = 150;
    ::testing::internal::CaptureStderr();
    LoopbackRun run = runLoopback(errors::pipeline, 3, 1, batchOf(range(0, 300)), LoopbackChaos{true, seed, 1000us});
    ::testing::internal::GetCapturedStderr();
    expectAllFailed(run);
    int named = 0;
    for (const RunResult& r : run.ranks) named += r.error.find("stage 'errors::explode' failed on rank") != std::string::npos;
    EXPECT_EQ(named, 1) << "seed " << seed;
  }
}

TEST(Errors, ResultStageExceptionIsReportedOnRankZero) {
  errors::reset();
  errors::resultThrows = true;
  ::testing::internal::CaptureStderr();
  LoopbackRun run = runLoopback(errors::pipeline, 2, 1, batchOf(range(0, 50)));
  ::testing::internal::GetCapturedStderr();
  expectAllFailed(run);
  EXPECT_EQ(run.ranks[0].error,
            "jobstream: error: stage 'errors::record' failed on rank 0: seven is not welcome");
}

TEST(Errors, NonStandardExceptionIsReported) {
  errors::reset();
  ::testing::internal::CaptureStderr();
  LoopbackRun run = runLoopback(errors::pipeline, 1, 1, batchOf(std::vector<int>{1, -42}));
  ::testing::internal::GetCapturedStderr();
  expectAllFailed(run);
  EXPECT_EQ(run.ranks[0].error, "jobstream: error: stage 'errors::explode' failed on rank 0: unknown exception");
}

TEST(Errors, InitAndFinishExceptionsAreReported) {
  broken::initThrows = true;
  broken::finishThrows = false;
  ::testing::internal::CaptureStderr();
  LoopbackRun run = runLoopback(broken::pipeline, 3, 1, nullptr);
  ::testing::internal::GetCapturedStderr();
  expectAllFailed(run);
  EXPECT_EQ(run.ranks[0].error, "jobstream: error: stage 'broken::load' failed on rank 0: no input today");

  broken::initThrows = false;
  broken::finishThrows = true;
  ::testing::internal::CaptureStderr();
  run = runLoopback(broken::pipeline, 3, 1, nullptr);
  ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(run.ranks[0].exitCode, 1);
  EXPECT_EQ(run.ranks[0].error,
            "jobstream: error: stage 'broken::summarise' failed on rank 0: got 100 items and did not like them");
  broken::finishThrows = false;
  run = runLoopback(broken::pipeline, 3, 1, nullptr);
  EXPECT_TRUE(allSucceeded(run));
}

// exit() in a worker: the worker hands the failure to the communication
// thread and waits; the process ends with status 1 and the stage named,
// whichever rank (here a thread of this process) ran the item.
TEST(ErrorsDeathTest, JobCallingExitEndsTheProcessNamingTheStage) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        errors::reset();
        errors::exitItem = 150;
        errors::itemMicros = 100;
        runLoopback(errors::pipeline, 3, 2, batchOf(range(0, 300)));
      },
      ::testing::ExitedWithCode(1), "stage 'errors::explode' failed on rank [0-9]: it called exit\\(5\\)");
}

// exit() on the communication thread (finish runs there, after the workers).
TEST(ErrorsDeathTest, FinishCallingExitEndsTheProcessNamingTheStage) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        broken::initThrows = false;
        broken::finishExits = true;
        runLoopback(broken::pipeline, 2, 1, nullptr);
      },
      ::testing::ExitedWithCode(1), "stage 'broken::summarise' failed on rank 0: it called exit\\(0\\)");
}

}  // namespace
}  // namespace jstest
