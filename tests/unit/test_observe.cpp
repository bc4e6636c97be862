// What a run records of itself (runtime/src/observe/): the bounded span
// buffer, the stats lines, and whole observed runs over loopback ranks whose
// trace files are read back with a JSON parser.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "observe/span_buffer.hpp"
#include "observe/stats.hpp"
#include "run_shapes.hpp"
#include "scope_pipelines.hpp"

namespace jstest {
namespace {

using namespace jstest::scoped;

// --- SpanBuffer -------------------------------------------------------------

Span spanAt(std::int64_t start, std::int64_t duration, SpanKind kind, std::uint32_t stage = 0,
            std::uint64_t items = 0, std::int32_t peer = -1) {
  return Span{start, duration, items, 1, stage, peer, 0, kind};
}

TEST(SpanBufferTest, KeepsEverySpanWhileThereIsRoom) {
  SpanBuffer buffer(64);
  for (int i = 0; i != 20; ++i) buffer.push(spanAt(i * 100, 50, SpanKind::stage, static_cast<std::uint32_t>(i % 2), 3));
  EXPECT_EQ(buffer.spans().size(), 20u);
  EXPECT_EQ(buffer.resolution(), 0);
}

TEST(SpanBufferTest, StaysBoundedAndKeepsTheItemsAndTheWholeRun) {
  SpanBuffer buffer(1024);
  std::uint64_t items = 0;
  // A worker's chunks of three stages, with waits between them, for a
  // million chunks: far more than the buffer holds.
  for (std::int64_t i = 0; i != 1'000'000; ++i) {
    buffer.push(spanAt(i * 1000, 600, SpanKind::stage, static_cast<std::uint32_t>(i % 3), 7));
    items += 7;
    if (i % 5 == 0) buffer.push(spanAt(i * 1000 + 600, 400, SpanKind::wait));
  }
  EXPECT_LE(buffer.spans().size(), 1024u);
  EXPECT_GT(buffer.resolution(), 0);
  // No coarser than the run needs: the grain does not grow at each refill.
  EXPECT_LT(buffer.resolution(), 4'000'000'000);
  std::uint64_t kept = 0;
  std::int64_t first = INT64_MAX, last = 0;
  for (const Span& span : buffer.spans()) {
    if (span.kind == SpanKind::stage) kept += span.items;
    first = std::min(first, span.start);
    last = std::max(last, span.start + span.duration);
  }
  EXPECT_EQ(kept, items);  // merged spans sum their items
  EXPECT_EQ(first, 0);     // the beginning of the run is still there...
  EXPECT_EQ(last, 999'999'000 + 600);  // ...and its end
  for (std::size_t i = 1; i < buffer.spans().size(); ++i)
    EXPECT_LE(buffer.spans()[i - 1].start, buffer.spans()[i].start) << "spans out of order at " << i;
}

TEST(SpanBufferTest, EndsWhateverTheKindsAndPeers) {
  // Instants of steals from ever new peers between transport spans: only a
  // coarse grain can merge them.
  SpanBuffer buffer(16);
  for (std::int64_t i = 0; i != 100'000; ++i) {
    buffer.push(spanAt(i * 10, 3, SpanKind::communicate));
    buffer.push(spanAt(i * 10 + 5, 0, i % 2 ? SpanKind::steal : SpanKind::give, 0, 1, static_cast<std::int32_t>(i)));
  }
  EXPECT_LE(buffer.spans().size(), 16u);
  EXPECT_LT(buffer.resolution(), 4'000'000);  // the run lasts 1 ms
}

TEST(SpanBufferTest, StagesStayApartBelowAMillisecond) {
  // Alternating stages 5 µs apart merge only at a grain of 1 ms...
  SpanBuffer alternating(16);
  for (std::int64_t i = 0; i != 40; ++i)
    alternating.push(spanAt(i * 10'000, 5'000, SpanKind::stage, static_cast<std::uint32_t>(i % 2), 1));
  EXPECT_GE(alternating.resolution(), 1'000'000);
  // ...one stage's chunks at a fine one.
  SpanBuffer same(16);
  for (std::int64_t i = 0; i != 40; ++i) same.push(spanAt(i * 10'000, 5'000, SpanKind::stage, 0, 1));
  EXPECT_GT(same.resolution(), 0);
  EXPECT_LT(same.resolution(), 1'000'000);
}

// --- The stats lines ----------------------------------------------------------

const std::regex kRankLine(R"(^\d+_\S+ \d+% user time \(\d+% mpi\), \d+% user cpu, \d+ messages \(\d+% user\)$)");
const std::regex kClusterLine(R"(^C \d+% user time, \d+% user cpu, quality \d+\.\d+ cpus, ran \d+\.\d+s$)");

RankRecord rankRecord(int rank, std::int64_t wall, std::uint64_t user, std::uint64_t cpu) {
  RankRecord record;
  record.rank = rank;
  record.host = rank == 0 ? "node one" : "node-2";  // a space would break the scripts' \S+
  record.wallNs = wall;
  record.userNs = user;
  record.userCpuNs = cpu;
  record.mpiNs = wall / 50;
  record.messages = 1234;
  record.userMessages = 987;
  return record;
}

std::vector<std::string> linesOf(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(StatsTextTest, JobStreamsLinesAndItsArithmetic) {
  RunRecord run;
  run.ranks.push_back(rankRecord(0, 2'000'000'000, 3'800'000'000, 3'610'000'000));
  run.ranks.push_back(rankRecord(1, 1'900'000'000, 1'900'000'000, 1'900'000'000));
  const std::vector<std::string> lines = linesOf(statsText(run));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(std::regex_match(lines[0], kRankLine)) << lines[0];
  EXPECT_TRUE(std::regex_match(lines[1], kRankLine)) << lines[1];
  EXPECT_TRUE(std::regex_match(lines[2], kClusterLine)) << lines[2];
  EXPECT_EQ(lines[0], "0_node_one 190% user time (2% mpi), 95% user cpu, 1234 messages (80% user)");
  EXPECT_EQ(lines[1], "1_node-2 100% user time (2% mpi), 100% user cpu, 1234 messages (80% user)");
  // user cpu = sum of cpu% x time% / 100 = 95 x 1.9 + 100 x 1 = 280.5;
  // quality = (3.61 + 1.9) s / 2 s.
  EXPECT_EQ(lines[2], "C 290% user time, 281% user cpu, quality 2.75 cpus, ran 2.000s");
}

TEST(StatsTextTest, RanksNeverHeardFromHaveNoLine) {
  RunRecord run;
  run.ranks.push_back(rankRecord(0, 1'000'000'000, 0, 0));
  run.ranks.emplace_back();  // rank 1: nothing arrived
  run.ranks.back().rank = 1;
  const std::vector<std::string> lines = linesOf(statsText(run));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "0_node_one 0% user time (2% mpi), 0% user cpu, 1234 messages (80% user)");
  EXPECT_EQ(lines[1], "C 0% user time, 0% user cpu, quality 0.00 cpus, ran 1.000s");
  EXPECT_EQ(statsText(RunRecord{}), "");
}

// --- Observed runs ------------------------------------------------------------

struct TempFile {
  std::filesystem::path path;
  explicit TempFile(const std::string& name)
      : path(std::filesystem::temp_directory_path() /
             (name + "." + std::to_string(::getpid()) + "." + std::to_string(counter()++))) {}
  ~TempFile() { std::filesystem::remove(path); }
  static std::atomic<int>& counter() {
    static std::atomic<int> n{0};
    return n;
  }
};

nlohmann::json readJson(const std::filesystem::path& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path << " was not written";
  return nlohmann::json::parse(in);  // throws, failing the test, if it is not JSON
}

// Items the spans named `stage` carry, per rank.
std::map<int, std::uint64_t> itemsOfStage(const nlohmann::json& trace, const std::string& stage) {
  std::map<int, std::uint64_t> items;
  for (const auto& event : trace["traceEvents"])
    if (event["ph"] == "X" && event.value("name", "") == stage)
      items[event["pid"].get<int>()] += event["args"].value("items", std::uint64_t{0});
  return items;
}

// The ranks the trace's processes are named after ("rank R (host)").
std::set<int> namedRanks(const nlohmann::json& trace) {
  std::set<int> ranks;
  const std::regex name(R"(^rank (\d+) \(.*\))");
  for (const auto& event : trace["traceEvents"])
    if (event["ph"] == "M" && event["name"] == "process_name") {
      const std::string text = event["args"]["name"];
      std::smatch match;
      EXPECT_TRUE(std::regex_search(text, match, name)) << text;
      if (!match.empty()) ranks.insert(std::stoi(match[1]));
    }
  return ranks;
}

TEST(ObservedRunTest, TheTraceHoldsEveryRankAndEveryItem) {
  const int n = 3000;
  for (const Shape& shape : kShapes) {
    SCOPED_TRACE(describe(shape));
    TempFile trace("observed.trace.json");
    RankOptions options;
    options.observe.trace = trace.path.string();
    options.observe.stats = true;
    mean::recorded().clear();
    testing::internal::CaptureStderr();
    LoopbackRun run = runLoopback(mean::pipeline, shape.ranks, shape.threads, batchOf(range(1, n + 1)),
                                  shape.chaos ? LoopbackChaos{true, 11, 300us} : LoopbackChaos{}, 30s, options);
    const std::string err = testing::internal::GetCapturedStderr();
    ASSERT_FALSE(run.timedOut);
    for (const RunResult& rank : run.ranks) ASSERT_EQ(rank.exitCode, 0) << rank.error;
    // The answer is unchanged by observing it.
    EXPECT_EQ(mean::recorded().sorted(), std::vector<std::string>{std::to_string(n * (n + 1LL)) + "/" + std::to_string(n)});

    const nlohmann::json json = readJson(trace.path);
    std::set<int> expected;
    for (int r = 0; r != shape.ranks; ++r) expected.insert(r);
    EXPECT_EQ(namedRanks(json), expected);
    std::uint64_t twice = 0;
    for (const auto& [rank, items] : itemsOfStage(json, "mean::twice")) twice += items;
    EXPECT_EQ(twice, static_cast<std::uint64_t>(n));

    std::vector<std::string> rankLines, clusterLines;
    for (const std::string& line : linesOf(err)) {
      if (std::regex_match(line, kRankLine)) rankLines.push_back(line);
      if (std::regex_match(line, kClusterLine)) clusterLines.push_back(line);
    }
    EXPECT_EQ(rankLines.size(), static_cast<std::size_t>(shape.ranks)) << err;
    EXPECT_EQ(clusterLines.size(), 1u) << err;
    for (std::size_t r = 0; r != rankLines.size(); ++r) EXPECT_EQ(rankLines[r].rfind(std::to_string(r) + "_", 0), 0u);
  }
}

TEST(ObservedRunTest, FrameInstancesAreInTheTrace) {
  TempFile trace("frames.trace.json");
  RankOptions options;
  options.observe.trace = trace.path.string();
  sum_through::recorded().clear();
  LoopbackRun run = runLoopback(sum_through::pipeline, 2, 2, batchOf(std::vector<int>{5, 10, 20}), {}, 30s, options);
  ASSERT_FALSE(run.timedOut);
  for (const RunResult& rank : run.ranks) ASSERT_EQ(rank.exitCode, 0) << rank.error;
  const nlohmann::json json = readJson(trace.path);
  int begins = 0, ends = 0;
  for (const auto& event : json["traceEvents"]) {
    if (event["ph"] == "b" && event.value("cat", "") == "frame") ++begins;
    if (event["ph"] == "e" && event.value("cat", "") == "frame") ++ends;
  }
  EXPECT_EQ(begins, 3);
  EXPECT_EQ(ends, 3);
}

// errors: int -> explode (throws on one item) -> count
namespace failing {
inline std::atomic<int> badItem{-1};
inline int explode(int x) {
  if (x == badItem.load()) throw std::runtime_error("boom " + std::to_string(x));
  std::this_thread::sleep_for(std::chrono::microseconds(20));
  return x;
}
inline void count(const int&) {}
inline const StageDef stages[] = {
    {.kind = StageKind::job, .name = "failing::explode", .input = &itemTypeOf<int>, .inputName = "int",
     .serial = false, .process = &job<explode, int, 0, 1>},
    {.kind = StageKind::result, .name = "failing::count", .input = &itemTypeOf<int>, .inputName = "int",
     .serial = false, .process = &result<count, int, 1>},
};
inline const PipelineDef pipeline{"failing", "test", stages, 0, nullptr};
}  // namespace failing

TEST(ObservedRunTest, AFailedRunWritesWhatWasGatheredAndTheError) {
  failing::badItem = 1500;
  for (const Shape& shape : {Shape{1, 2, false}, Shape{2, 2, false}, Shape{4, 1, false}}) {
    SCOPED_TRACE(describe(shape));
    TempFile trace("failed.trace.json");
    RankOptions options;
    options.observe.trace = trace.path.string();
    options.observe.stats = true;
    testing::internal::CaptureStderr();
    LoopbackRun run = runLoopback(failing::pipeline, shape.ranks, shape.threads, batchOf(range(1, 3001)), {}, 30s, options);
    const std::string err = testing::internal::GetCapturedStderr();
    ASSERT_FALSE(run.timedOut);
    bool named = false;
    for (const RunResult& rank : run.ranks) {
      EXPECT_NE(rank.exitCode, 0);
      named |= rank.error.find("boom 1500") != std::string::npos;
    }
    EXPECT_TRUE(named);
    const nlohmann::json json = readJson(trace.path);
    EXPECT_NE(json["otherData"].value("error", "").find("boom 1500"), std::string::npos) << json["otherData"];
    EXPECT_TRUE(namedRanks(json).contains(0));
    int clusterLines = 0;
    for (const std::string& line : linesOf(err)) clusterLines += std::regex_match(line, kClusterLine) ? 1 : 0;
    EXPECT_EQ(clusterLines, 1) << err;
  }
  failing::badItem = -1;
}

}  // namespace
}  // namespace jstest
