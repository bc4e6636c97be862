// jobstream::Lazy in a run: an init's items drawn as workers need them
// (test_lazy_source.cpp tests the sources alone). Every item
// runs exactly once at any number of ranks and threads, also when other
// ranks steal them, whatever the range or generator; the run waits for a
// slow source and ends after an empty one; a failing one fails the run
// naming its init; and a checkpoint taken while a source is partly drawn
// resumes on any number of ranks with no item lost or run twice.
#include <gmock/gmock.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <ranges>
#include <string>
#include <unistd.h>

#include "checkpoint/checkpoint_file.hpp"
#include "checkpoint/state.hpp"
#include "scope_pipelines.hpp"

namespace jstest {
namespace {

using namespace scoped;
namespace fs = std::filesystem;

// ---------------------------------------------------------------------------
// lazy: numbers (an init returning Lazy<long long> of 0..items-1) -> plusOne
// -> tally (a top-level reduce: count, sum, sum of squares) -> record
namespace lazy {

enum class Shape { iota, filtered, generator };
std::string nameOf(Shape shape) {
  switch (shape) {
    case Shape::iota:
      return "iota";  // random access, sized: a resume jumps
    case Shape::filtered:
      return "filtered";  // bidirectional, unsized: a resume steps
    case Shape::generator:
      return "generator";  // a callable: a resume calls it
  }
  return "?";
}

inline std::atomic<long long> items{1000};
inline std::atomic<Shape> shape{Shape::iota};
inline std::atomic<int> drawMicros{0};      // the generator's time per item
inline std::atomic<int> jobMicros{0};       // plusOne's time per item
inline std::atomic<long long> throwAt{-1};  // the generator throws instead of making this item
inline std::atomic<int> initCalls{0};
inline std::atomic<int> shrinkFromCall{0};  // from this call on, the init makes one item (0: never)
inline std::atomic<long long> ranAt[8];     // plusOne's calls per rank

struct Tally {
  long long count = 0;
  long long sum = 0;
  long long squares = 0;
  bool operator==(const Tally&) const = default;
  friend void PrintTo(const Tally& t, std::ostream* out) {
    *out << t.count << " items, sum " << t.sum << ", squares " << t.squares;
  }
};

inline std::mutex recordedMutex;
inline std::vector<Tally> recorded;

void reset() {
  items = 1000;
  shape = Shape::iota;
  drawMicros = 0;
  jobMicros = 0;
  throwAt = -1;
  initCalls = 0;
  shrinkFromCall = 0;
  for (std::atomic<long long>& calls : ranAt) calls = 0;
  std::lock_guard lock(recordedMutex);
  recorded.clear();
}

inline jobstream::Lazy<long long> numbers() {
  const int call = ++initCalls;
  const long long n = shrinkFromCall != 0 && call >= shrinkFromCall ? 1 : items.load();
  switch (shape.load()) {
    case Shape::iota:
      return jobstream::Lazy(std::views::iota(0LL, n));
    case Shape::filtered:
      return jobstream::Lazy(std::views::iota(0LL, n) | std::views::filter([](long long) { return true; }));
    case Shape::generator:
      break;
  }
  return jobstream::Lazy<long long>([next = 0LL, n]() mutable -> std::optional<long long> {
    if (next == throwAt.load()) throw std::runtime_error("no item " + std::to_string(next));
    if (const int micros = drawMicros.load()) std::this_thread::sleep_for(std::chrono::microseconds(micros));
    if (next == n) return std::nullopt;
    return next++;
  });
}
inline long long plusOne(const long long& x) {
  ++ranAt[jobstream::rank()];
  if (const int micros = jobMicros.load()) std::this_thread::sleep_for(std::chrono::microseconds(micros));
  return x + 1;
}
inline void tally(Tally& t, std::span<const long long> in, std::span<const Tally> others) {
  for (const long long x : in) {
    ++t.count;
    t.sum += x;
    t.squares += x * x;
  }
  for (const Tally& o : others) {
    t.count += o.count;
    t.sum += o.sum;
    t.squares += o.squares;
  }
}
inline void record(const Tally& t) {
  std::lock_guard lock(recordedMutex);
  recorded.push_back(t);
}
std::vector<Tally> results() {
  std::lock_guard lock(recordedMutex);
  return recorded;
}
Tally expected(long long n) { return Tally{n, n * (n + 1) / 2, n * (n + 1) * (2 * n + 1) / 6}; }

inline void init0(Emitter& em) {
  em.current = 0;
  Output<long long> out(em, 1);
  out.push(numbers());
  out.close();
}

inline const StageDef stages[] = {
    {.kind = StageKind::init, .name = "lazy::numbers", .input = nullptr, .inputName = "", .serial = false,
     .init = &init0},
    {.kind = StageKind::job, .name = "lazy::plusOne", .input = &itemTypeOf<long long>, .inputName = "long long",
     .serial = false, .process = &job<plusOne, long long, 1, 2>},
    {.kind = StageKind::reduce, .name = "lazy::tally", .input = &itemTypeOf<long long>, .inputName = "long long",
     .serial = false, .store = &itemTypeOf<Tally>, .newStore = &newStore<Tally>,
     .reduce = &reduce<tally, Tally, long long, 2, 1>, .merge = &merge<tally, Tally, long long, 2, 1>,
     .leave = &leaveStore<Tally, 2, 3>},
    {.kind = StageKind::result, .name = "lazy::record", .input = &itemTypeOf<Tally>, .inputName = "Tally",
     .serial = false, .process = &result<record, Tally, 3>, .region = 1},
};
inline const PipelineDef pipeline{"lazy", "lazy-v1", stages, 1, nullptr};

}  // namespace lazy

void expectExactlyOnce(const LoopbackRun& run, long long items) {
  ASSERT_TRUE(allSucceeded(run)) << run.ranks[0].error;
  const std::vector<lazy::Tally> seen = lazy::results();
  ASSERT_EQ(seen.size(), 1u) << "the reduction emitted " << seen.size() << " times";
  EXPECT_EQ(seen[0], lazy::expected(items));
}

struct Case {
  int ranks;
  int threads;
  lazy::Shape shape;
};

class LazyPipeline : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override { lazy::reset(); }
};

TEST_P(LazyPipeline, EveryItemRunsExactlyOnce) {
  const auto [ranks, threads, shape] = GetParam();
  lazy::shape = shape;
  lazy::items = 20000;
  LoopbackRun run = runLoopback(lazy::pipeline, ranks, threads, nullptr);
  expectExactlyOnce(run, 20000);
  EXPECT_EQ(lazy::initCalls.load(), 1);
  std::uint64_t finished = 0;
  for (const RunResult& r : run.ranks) finished += r.itemsFinished;
  // Each item through plusOne and tally, and the tally through record: the
  // source itself is no item.
  EXPECT_EQ(finished, 2u * 20000u + 1u);
}

TEST_P(LazyPipeline, AnEmptySourceEndsTheRunWithOneEmptyReduction) {
  const auto [ranks, threads, shape] = GetParam();
  lazy::shape = shape;
  lazy::items = 0;
  expectExactlyOnce(runLoopback(lazy::pipeline, ranks, threads, nullptr), 0);
}

std::string caseName(const ::testing::TestParamInfo<Case>& info) {
  return std::to_string(info.param.ranks) + "ranks_" + std::to_string(info.param.threads) + "threads_" +
         lazy::nameOf(info.param.shape);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, LazyPipeline,
    ::testing::Values(Case{1, 1, lazy::Shape::iota}, Case{1, 3, lazy::Shape::generator},
                      Case{2, 2, lazy::Shape::filtered}, Case{2, 1, lazy::Shape::generator},
                      Case{3, 2, lazy::Shape::iota}, Case{4, 1, lazy::Shape::filtered},
                      Case{4, 2, lazy::Shape::generator}),
    caseName);

// Other ranks have nothing but what they steal: items drawn for them.
TEST(Lazy, OtherRanksRunItemsDrawnForThem) {
  for (const lazy::Shape shape : {lazy::Shape::iota, lazy::Shape::generator}) {
    SCOPED_TRACE(lazy::nameOf(shape));
    lazy::reset();
    lazy::shape = shape;
    lazy::items = 3000;
    lazy::jobMicros = 20;
    expectExactlyOnce(runLoopback(lazy::pipeline, 3, 1, nullptr), 3000);
    EXPECT_GT(lazy::ranAt[1].load() + lazy::ranAt[2].load(), 0) << "no other rank ran an item";
    EXPECT_EQ(lazy::initCalls.load(), 1);
  }
}

// The --report row of the init counts every item drawn from its source as
// its items out, those drawn for thieves too.
TEST(Lazy, TheReportCountsTheItemsDrawnAsTheInitsItemsOut) {
  lazy::reset();
  lazy::items = 3000;
  lazy::jobMicros = 20;
  const fs::path report = fs::temp_directory_path() / ("jobstream-lazy-report-" + std::to_string(::getpid()) + ".html");
  RankOptions options;
  options.observe.report = report.string();
  LoopbackRun run = runLoopback(lazy::pipeline, 3, 1, nullptr, {}, 30s, options);
  expectExactlyOnce(run, 3000);
  EXPECT_GT(lazy::ranAt[1].load() + lazy::ranAt[2].load(), 0) << "no item was drawn for a thief";
  std::ifstream in(report);
  const std::string page((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  fs::remove(report);
  EXPECT_THAT(page, testing::HasSubstr("lazy::numbers</td><td>init</td><td class=\"num\">1</td><td "
                                       "class=\"num\">0</td><td class=\"num\">3,000</td>"));
}

// Drawing takes long and leaves nothing queued meanwhile: the source still
// counts as unfinished work, so the run does not end before its last item.
TEST(Lazy, TheRunWaitsForASlowSource) {
  for (const int ranks : {1, 2}) {
    SCOPED_TRACE(std::to_string(ranks) + " ranks");
    lazy::reset();
    lazy::shape = lazy::Shape::generator;
    lazy::items = 25;
    lazy::drawMicros = 3000;
    expectExactlyOnce(runLoopback(lazy::pipeline, ranks, 2, nullptr), 25);
  }
}

TEST(Lazy, EveryItemRunsExactlyOnceUnderChaos) {
  for (const lazy::Shape shape : {lazy::Shape::iota, lazy::Shape::generator}) {
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
      SCOPED_TRACE(lazy::nameOf(shape) + ", seed " + std::to_string(seed));
      lazy::reset();
      lazy::shape = shape;
      lazy::items = 4000;
      lazy::jobMicros = 2;
      const int threads = static_cast<int>(seed % 2 + 1);
      LoopbackRun run = runLoopback(lazy::pipeline, 4, threads, nullptr, LoopbackChaos{true, seed, 1500us}, 20s);
      expectExactlyOnce(run, 4000);
    }
  }
}

TEST(Lazy, ASourceThatThrowsFailsTheRunNamingItsInit) {
  for (const int ranks : {1, 3}) {
    SCOPED_TRACE(std::to_string(ranks) + " ranks");
    lazy::reset();
    lazy::shape = lazy::Shape::generator;
    lazy::items = 20000;
    lazy::throwAt = 5000;
    LoopbackRun run = runLoopback(lazy::pipeline, ranks, 2, nullptr);
    ASSERT_FALSE(run.timedOut);
    for (const RunResult& r : run.ranks) EXPECT_NE(r.exitCode, 0);
    EXPECT_THAT(run.ranks[0].error, testing::HasSubstr("stage 'lazy::numbers' failed on rank 0: no item 5000"));
    EXPECT_TRUE(lazy::results().empty());
  }
}

// ---------------------------------------------------------------------------
// Checkpoints while the source is partly drawn.

class LazyCheckpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    lazy::reset();
    folder_ = fs::temp_directory_path() / ("jobstream-lazy-test-" + std::to_string(::getpid()) + "-" +
                                           testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(folder_);
    fs::create_directories(folder_);
    file_ = (folder_ / "run.ckpt").string();
  }
  void TearDown() override { fs::remove_all(folder_); }

  LoopbackRun run(int ranks, bool resume, int crashAfter, bool chaos) {
    RankOptions options;
    options.checkpoint = file_;
    options.checkpointInterval = 0.004;
    options.checkpointWritten = stopAfter(crashAfter);
    if (resume) {
      auto file = std::make_shared<const CheckpointReader>(file_);
      checkBelongsTo(file->index(), lazy::pipeline.name, lazy::pipeline.fingerprint, file_);
      options.resuming = true;
      options.resume = std::make_shared<ResumePlan>(planResume(lazy::pipeline, file, ranks));
    }
    LoopbackChaos mode;
    if (chaos) mode = LoopbackChaos{true, static_cast<std::uint64_t>(ranks * 17 + crashAfter), 300us};
    return runLoopback(lazy::pipeline, ranks, 2, nullptr, mode, 60s, options);
  }

  // The items drawn from the source that the checkpoint holds, if it holds one.
  std::optional<std::uint64_t> drawnInFile() {
    const RankState state = decodeRankState(lazy::pipeline, 0, readCheckpoint(file_).sections);
    if (state.sources.empty()) return std::nullopt;
    EXPECT_EQ(state.sources.size(), 1u);
    EXPECT_EQ(state.sources[0].init, 0u);
    return state.sources[0].drawn;
  }

  fs::path folder_;
  std::string file_;
};

// Crash after a few checkpoints, the first time with the source partly
// drawn, resume on another number of ranks (the init is called again and
// skips what was drawn), ... then finish: the tally is the uninterrupted
// one, and the init ran once per run that found a source to resume.
TEST_F(LazyCheckpoint, ResumedMidSourceOnAnyNumberOfRanks) {
  struct Leg {
    int ranks;
    bool chaos;
  };
  const std::vector<std::vector<Leg>> plans = {
      {{2, false}, {1, false}},
      {{1, false}, {3, false}},
      {{3, true}, {2, true}, {4, false}},
  };
  // A thief takes half of what is left at once: enough for rank 0 to be
  // drawing still at the third checkpoint of every run but the last.
  const long long items = 20000;
  for (const lazy::Shape shape : {lazy::Shape::iota, lazy::Shape::filtered, lazy::Shape::generator}) {
    for (const std::vector<Leg>& legs : plans) {
      std::string name = lazy::nameOf(shape) + ", ranks per run:";
      for (const Leg& leg : legs) name += " " + std::to_string(leg.ranks) + (leg.chaos ? "c" : "");
      SCOPED_TRACE(name);
      lazy::reset();
      lazy::shape = shape;
      lazy::items = items;
      lazy::jobMicros = 100;
      fs::remove(file_);
      std::uint64_t lastDrawn = 0;
      int rebuilt = 0;  // runs that resumed a source
      for (std::size_t i = 0; i != legs.size(); ++i) {
        SCOPED_TRACE("run " + std::to_string(i + 1));
        const bool final = i + 1 == legs.size();
        LoopbackRun result = run(legs[i].ranks, i != 0, final ? 0 : 3, legs[i].chaos);
        ASSERT_FALSE(result.timedOut);
        if (final) {
          expectExactlyOnce(result, items);
          EXPECT_FALSE(fs::exists(file_));
        } else {
          ASSERT_THAT(result.ranks[0].error, testing::HasSubstr("stopped after 3 checkpoints"));
          // Thieves take half of what is left at once: after the first
          // run the source may be over.
          const std::optional<std::uint64_t> drawn = drawnInFile();
          if (i == 0) {
            ASSERT_TRUE(drawn.has_value()) << "the source had ended by the third checkpoint: make the run slower";
          }
          if (!drawn) continue;
          ++rebuilt;
          EXPECT_GT(*drawn, lastDrawn) << "no item was drawn between checkpoints";
          EXPECT_LT(*drawn, static_cast<std::uint64_t>(items));
          lastDrawn = *drawn;
        }
      }
      EXPECT_EQ(lazy::initCalls.load(), 1 + rebuilt) << "the init runs again only to resume a source";
    }
  }
}

// An init that makes other items when called again cannot resume: said,
// naming it, instead of a wrong answer.
TEST_F(LazyCheckpoint, AnInitThatMakesFewerItemsOnResumeFailsTheRun) {
  lazy::items = 4000;
  lazy::jobMicros = 100;
  LoopbackRun crashed = run(2, false, 3, false);
  ASSERT_THAT(crashed.ranks[0].error, testing::HasSubstr("stopped after 3 checkpoints"));
  const std::optional<std::uint64_t> drawn = drawnInFile();
  ASSERT_TRUE(drawn.has_value() && *drawn > 1);
  lazy::shrinkFromCall = 2;
  LoopbackRun resumed = run(2, true, 0, false);
  ASSERT_FALSE(resumed.timedOut);
  EXPECT_NE(resumed.ranks[0].exitCode, 0);
  EXPECT_THAT(resumed.ranks[0].error,
              testing::HasSubstr("stage 'lazy::numbers' failed on rank 0: called again to resume the run, it made "
                                 "only 1 of the " + std::to_string(*drawn) + " items drawn before the checkpoint"));
  EXPECT_TRUE(lazy::results().empty());
}

TEST_F(LazyCheckpoint, ACheckpointWithoutItsSourceIsRefusedAndInfoShowsIt) {
  lazy::items = 4000;
  lazy::jobMicros = 100;
  LoopbackRun crashed = run(2, false, 3, false);
  ASSERT_THAT(crashed.ranks[0].error, testing::HasSubstr("stopped after 3 checkpoints"));
  const std::optional<std::uint64_t> drawn = drawnInFile();
  ASSERT_TRUE(drawn.has_value());

  std::ostringstream out, err;
  EXPECT_EQ(describeCheckpoint(lazy::pipeline, file_, out, err), 0) << err.str();
  EXPECT_THAT(out.str(), testing::HasSubstr("lazy sources (the init is called again to resume them):\n"));
  EXPECT_THAT(out.str(), testing::HasSubstr("lazy::numbers  " + std::to_string(*drawn) + " items drawn\n"));

  Checkpoint checkpoint = readCheckpoint(file_);
  std::erase_if(checkpoint.sections, [](const CheckpointSection& section) { return section.name == "source"; });
  writeCheckpoint(file_, checkpoint);
  try {
    planResume(lazy::pipeline, std::make_shared<const CheckpointReader>(file_), 2);
    FAIL() << "a checkpoint that lost its source was accepted";
  } catch (const CheckpointError& e) {
    EXPECT_THAT(std::string(e.what()), testing::HasSubstr("is inconsistent: it counts"));
  }
}

}  // namespace
}  // namespace jstest
