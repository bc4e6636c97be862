// The --trace file: whatever the record holds, the output parses as JSON,
// every event carries what its phase requires, each rank and thread is named,
// spans nest on their rows as the viewers need, and the file appears whole or
// not at all. Checked by parsing the output, never by comparing text.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "observe/trace_file.hpp"

namespace jstest {
namespace {

using jobstream::detail::CheckpointMark;
using jobstream::detail::FrameSpan;
using jobstream::detail::RankRecord;
using jobstream::detail::RunRecord;
using jobstream::detail::Sample;
using jobstream::detail::Span;
using jobstream::detail::SpanKind;
using jobstream::detail::writeTrace;
using jobstream::detail::writeTraceFile;
using nlohmann::json;
using testing::HasSubstr;
namespace fs = std::filesystem;

constexpr std::int64_t kMs = 1'000'000;  // ns

Span span(SpanKind kind, std::uint16_t thread, std::int64_t start, std::int64_t duration,
          std::uint64_t items = 0, std::uint32_t stage = 0) {
  Span s;
  s.kind = kind;
  s.thread = thread;
  s.start = start;
  s.duration = duration;
  s.items = items;
  s.stage = stage;
  return s;
}

RankRecord rankRecord(int rank, const std::string& host, int threads) {
  RankRecord r;
  r.rank = rank;
  r.host = host;
  r.threads = threads;
  r.complete = true;
  r.wallNs = 100 * kMs;
  r.spanResolutionNs = 1000;
  return r;
}

// One rank, two workers: every kind of span, and samples.
RunRecord oneRank() {
  RunRecord run;
  run.pipeline = "wordcount";
  run.stages = {{"wc::split", "job"}, {"wc::count", "reduce"}};
  run.ranksInRun = 1;
  run.startedAtUnixMs = 1'714'566'896'789;  // 2024-05-01T12:34:56.789Z
  RankRecord r = rankRecord(0, "node1", 2);
  r.spans = {
      span(SpanKind::stage, 0, 0, 10 * kMs, 100, 0),
      span(SpanKind::wait, 0, 10 * kMs, 5 * kMs),
      span(SpanKind::stage, 0, 15 * kMs, 10 * kMs, 50, 1),
      span(SpanKind::stage, 1, 1 * kMs, 20 * kMs, 70, 0),
      span(SpanKind::communicate, 2, 0, 2 * kMs),
      span(SpanKind::merge, 2, 3 * kMs, 1 * kMs, 0, 1),
      span(SpanKind::steal, 2, 5 * kMs, 0, 5),   // an instant
      span(SpanKind::give, 2, 6 * kMs, 500, 3),  // a bar
  };
  r.spans[6].peer = 1;
  r.spans[7].peer = 1;
  r.spans[0].calls = 4;
  r.samples = {{0, 0, 10, 2}, {50 * kMs, 120, 3, 1}, {100 * kMs, 220, 0, 0}};
  run.ranks = {r};
  return run;
}

json traceOf(const RunRecord& run) {
  std::ostringstream out;
  writeTrace(run, out);
  EXPECT_TRUE(out.good());
  return json::parse(out.str());  // throws, failing the test, unless it is JSON
}

bool isTime(const json& value) { return value.is_number() && value.get<double>() >= 0; }

// Every event has what its phase needs; spans on one row nest or stand
// apart (a crossing pair is cut or dropped by the viewers).
void expectWellFormed(const json& trace) {
  ASSERT_TRUE(trace.is_object());
  ASSERT_TRUE(trace.contains("traceEvents"));
  ASSERT_TRUE(trace["traceEvents"].is_array());
  ASSERT_TRUE(trace["otherData"].is_object());
  std::map<std::pair<int, int>, std::vector<std::pair<double, double>>> rows;
  std::map<std::string, int> openFrames;
  for (json event : trace["traceEvents"]) {
    SCOPED_TRACE(event.dump());
    ASSERT_TRUE(event.is_object());
    ASSERT_TRUE(event["ph"].is_string());
    ASSERT_TRUE(event["pid"].is_number_integer());
    ASSERT_TRUE(event["tid"].is_number_integer());
    EXPECT_GT(event["pid"].get<int>(), 0) << "Perfetto takes pid 0 for the idle process";
    EXPECT_GT(event["tid"].get<int>(), 0) << "Perfetto takes tid 0 for the idle thread";
    ASSERT_TRUE(event["name"].is_string());
    const std::string ph = event["ph"];
    if (ph == "M") {
      EXPECT_TRUE(event["args"].is_object());
      continue;
    }
    ASSERT_TRUE(isTime(event["ts"]));
    const double ts = event["ts"];
    if (ph == "X") {
      ASSERT_TRUE(isTime(event["dur"]));
      EXPECT_TRUE(event["cat"].is_string());
      rows[{event["pid"], event["tid"]}].emplace_back(ts, ts + event["dur"].get<double>());
    } else if (ph == "i") {
      EXPECT_EQ(event["s"], "t");
      rows[{event["pid"], event["tid"]}].emplace_back(ts, ts);
    } else if (ph == "b" || ph == "e") {
      EXPECT_EQ(event["cat"], "frame");
      ASSERT_TRUE(event["id"].is_string());
      openFrames[event["id"]] += ph == "b" ? 1 : -1;
    } else if (ph == "C") {
      ASSERT_TRUE(event["args"].is_object());
      for (const auto& [key, value] : event["args"].items()) EXPECT_TRUE(value.is_number()) << key;
    } else {
      ADD_FAILURE() << "unexpected phase " << ph;
    }
  }
  for (const auto& [id, open] : openFrames) EXPECT_EQ(open, 0) << "frame " << id;
  for (auto& [row, spans] : rows) {
    std::sort(spans.begin(), spans.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : a.second > b.second;
    });
    std::vector<double> ends;  // of the spans enclosing the current one
    for (const auto& [start, end] : spans) {
      while (!ends.empty() && ends.back() <= start) ends.pop_back();
      EXPECT_TRUE(ends.empty() || end <= ends.back())
          << "pid " << row.first << " tid " << row.second << ": [" << start << ", " << end
          << "] crosses a span ending at " << ends.back();
      ends.push_back(end);
    }
  }
}

std::vector<json> eventsWhere(const json& trace, const std::string& ph, int pid = -1) {
  std::vector<json> found;
  for (json event : trace["traceEvents"])
    if (event["ph"] == ph && (pid < 0 || event["pid"] == pid)) found.push_back(event);
  return found;
}

std::string processName(const json& trace, int pid) {
  for (json event : eventsWhere(trace, "M", pid))
    if (event["name"] == "process_name") return event["args"]["name"];
  return "(none)";
}

// tid -> name, for one process.
std::map<int, std::string> threadNames(const json& trace, int pid) {
  std::map<int, std::string> names;
  for (json event : eventsWhere(trace, "M", pid))
    if (event["name"] == "thread_name") names[event["tid"]] = event["args"]["name"];
  return names;
}

int tidNamed(const json& trace, int pid, const std::string& name) {
  for (const auto& [tid, threadName] : threadNames(trace, pid))
    if (threadName == name) return tid;
  ADD_FAILURE() << "no thread '" << name << "' in pid " << pid;
  return -1;
}

std::uint64_t stageItems(const json& trace) {
  std::uint64_t items = 0;
  for (json event : eventsWhere(trace, "X"))
    if (event["cat"] == "stage") items += event["args"]["items"].get<std::uint64_t>();
  return items;
}

std::uint64_t stageItems(const RunRecord& run) {
  std::uint64_t items = 0;
  for (const RankRecord& rank : run.ranks)
    for (const Span& s : rank.spans)
      if (s.kind == SpanKind::stage) items += s.items;
  return items;
}

TEST(TraceFile, OneRankNamesEveryThreadAndDrawsEverySpan) {
  const RunRecord run = oneRank();
  const json trace = traceOf(run);
  expectWellFormed(trace);

  EXPECT_EQ(processName(trace, 1), "rank 0 (node1)");
  const std::map<int, std::string> threads = threadNames(trace, 1);
  std::set<std::string> names;
  for (const auto& [tid, name] : threads) names.insert(name);
  EXPECT_EQ(names, (std::set<std::string>{"worker 0", "worker 1", "communication"}));
  const int worker0 = tidNamed(trace, 1, "worker 0");
  const int communication = tidNamed(trace, 1, "communication");

  // Stage spans carry the stage's name as the user wrote it, and the items.
  std::multiset<std::string> stageNames;
  for (json event : eventsWhere(trace, "X"))
    if (event["cat"] == "stage") stageNames.insert(event["name"].get<std::string>());
  EXPECT_EQ(stageNames, (std::multiset<std::string>{"wc::split", "wc::split", "wc::count"}));
  EXPECT_EQ(stageItems(trace), stageItems(run));

  std::map<std::string, json> byName;
  for (json event : trace["traceEvents"])
    if (event["ph"] != "M" && event["cat"] != "stage") byName[event["name"]] = event;
  ASSERT_EQ(byName.count("waiting for work"), 1u);
  EXPECT_EQ(byName["waiting for work"]["cat"], "idle");
  EXPECT_EQ(byName["waiting for work"]["tid"], worker0);
  EXPECT_DOUBLE_EQ(byName["waiting for work"]["ts"].get<double>(), 10'000.0);  // us
  EXPECT_DOUBLE_EQ(byName["waiting for work"]["dur"].get<double>(), 5'000.0);
  EXPECT_EQ(byName["communicating"]["cat"], "transport");
  EXPECT_EQ(byName["communicating"]["tid"], communication);
  EXPECT_EQ(byName["merge wc::count"]["cat"], "reduce");
  EXPECT_EQ(byName["merge wc::count"]["args"]["calls"], 1);
  const json& stole = byName["stole 5 items from rank 1"];
  EXPECT_EQ(stole["ph"], "i");
  EXPECT_EQ(stole["cat"], "stealing");
  EXPECT_EQ(stole["args"]["items"], 5);
  EXPECT_EQ(stole["args"]["peer"], 1);
  const json& gave = byName["gave 3 items to rank 1"];
  EXPECT_EQ(gave["ph"], "X");
  EXPECT_DOUBLE_EQ(gave["dur"].get<double>(), 0.5);

  const std::vector<json> counters = eventsWhere(trace, "C", 1);
  ASSERT_EQ(counters.size(), 3u);
  for (const json& counter : counters) {
    EXPECT_EQ(counter["name"], "items");
    EXPECT_TRUE(counter["args"].contains("finished"));
    EXPECT_TRUE(counter["args"].contains("waiting"));
    EXPECT_TRUE(counter["args"].contains("busy workers"));
  }
  EXPECT_EQ(counters.back()["args"]["finished"], 220);

  const json& other = trace["otherData"];
  EXPECT_EQ(other["pipeline"], "wordcount");
  EXPECT_EQ(other["ranks"], 1);
  EXPECT_EQ(other["exit code"], 0);
  EXPECT_FALSE(other.contains("error"));
  EXPECT_EQ(other["started at"], "2024-05-01T12:34:56.789Z");
  EXPECT_EQ(other["rank 0 start ts"], 0.0);
  ASSERT_EQ(other["per rank"].size(), 1u);
  EXPECT_EQ(other["per rank"][0]["complete"], true);
  EXPECT_EQ(other["per rank"][0]["pid"], 1);
  EXPECT_EQ(other["per rank"][0]["span resolution ns"], 1000);
}

TEST(TraceFile, FailedRunKeepsAnIncompleteRankAndNamesOneNeverHeardFrom) {
  RunRecord run = oneRank();
  run.ranksInRun = 3;
  run.exitCode = 1;
  run.error = "stage 'wc::split' failed on rank 1: boom";
  RankRecord partial = rankRecord(1, "node2", 1);
  partial.complete = false;  // what rank 1 sent before the run failed
  partial.clockOffsetNs = -1500;
  partial.clockErrorNs = 40;
  partial.spans = {span(SpanKind::stage, 0, 2 * kMs, 3 * kMs, 9, 0),
                   span(SpanKind::communicate, 1, 0, 1 * kMs)};
  partial.samples = {{4 * kMs, 9, 1, 1}};
  RankRecord silent;
  silent.rank = 2;
  silent.host = "node3";
  run.ranks.push_back(partial);
  run.ranks.push_back(silent);

  const json trace = traceOf(run);
  expectWellFormed(trace);

  EXPECT_EQ(processName(trace, 2), "rank 1 (node2) (incomplete)");
  std::set<std::string> names;
  for (const auto& [tid, name] : threadNames(trace, 2)) names.insert(name);
  EXPECT_EQ(names, (std::set<std::string>{"worker 0", "communication"}));
  EXPECT_EQ(eventsWhere(trace, "X", 2).size(), 2u);
  EXPECT_EQ(eventsWhere(trace, "C", 2).size(), 1u);
  EXPECT_EQ(stageItems(trace), stageItems(run));

  // Rank 2 sent nothing: a named process and nothing else.
  EXPECT_EQ(processName(trace, 3), "rank 2 (node3) (no data)");
  for (json event : trace["traceEvents"]) {
    if (event["pid"] == 3) {
      EXPECT_EQ(event["ph"], "M") << event.dump();
    }
  }
  EXPECT_TRUE(threadNames(trace, 3).empty());

  // Thread ids are unique in the file: Perfetto names threads by tid alone.
  std::set<int> tids;
  std::size_t named = 0;
  for (json event : eventsWhere(trace, "M"))
    if (event["name"] == "thread_name") {
      tids.insert(event["tid"].get<int>());
      ++named;
    }
  EXPECT_EQ(tids.size(), named);

  const json& other = trace["otherData"];
  EXPECT_EQ(other["error"], run.error);
  EXPECT_EQ(other["exit code"], 1);
  EXPECT_EQ(other["ranks"], 3);
  ASSERT_EQ(other["per rank"].size(), 3u);
  EXPECT_EQ(other["per rank"][1]["complete"], false);
  EXPECT_EQ(other["per rank"][1]["heard from"], true);
  EXPECT_EQ(other["per rank"][1]["clock offset ns"], -1500);
  EXPECT_EQ(other["per rank"][1]["clock error ns"], 40);
  EXPECT_EQ(other["per rank"][2]["heard from"], false);
}

TEST(TraceFile, NamesWithAnyBytesStillParse) {
  RunRecord run = oneRank();
  const std::string wild =
      std::string("say \"hi\" \\ then\nnewline \x1b[31m red ") + "\xff\xfe end";
  run.stages[0].name = wild;
  run.pipeline = "pipe\xc3";  // a cut UTF-8 sequence
  run.error = "bad \xe2\x82 byte";
  run.ranks[0].host = "h\"o\\s\tt\x01\x80";

  std::ostringstream out;
  writeTrace(run, out);
  const json trace = json::parse(out.str());  // the default parser refuses invalid UTF-8
  expectWellFormed(trace);

  // What was valid is kept exactly; each byte that was not is U+FFFD.
  const std::string replaced =
      std::string("say \"hi\" \\ then\nnewline \x1b[31m red ") + "\xef\xbf\xbd\xef\xbf\xbd end";
  std::size_t found = 0;
  for (json event : eventsWhere(trace, "X"))
    if (event["cat"] == "stage" && event["name"] != "wc::count") {
      EXPECT_EQ(event["name"], replaced);
      ++found;
    }
  EXPECT_EQ(found, 2u);
  EXPECT_EQ(processName(trace, 1), "rank 0 (h\"o\\s\tt\x01\xef\xbf\xbd)");
  EXPECT_EQ(trace["otherData"]["pipeline"], "pipe\xef\xbf\xbd");
  EXPECT_THAT(trace["otherData"]["error"].get<std::string>(), HasSubstr("bad "));

  // Each event's "ts" comes before its name: Perfetto's older reader stops at
  // the first \u escape it meets before "ts".
  std::istringstream lines(out.str());
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find("\\u") != std::string::npos && line.find("\"ts\":") != std::string::npos) {
      EXPECT_LT(line.find("\"ts\":"), line.find("\\u")) << line;
    }
  }
}

TEST(TraceFile, CheckpointsOnTheirOwnRowWithThePauseInside) {
  RunRecord run = oneRank();
  CheckpointMark written;
  written.start = 20 * kMs;
  written.pauseNs = 2 * kMs;
  written.writtenAt = 30 * kMs;
  written.bytes = 4096;
  CheckpointMark cutShort;  // the run ended before the file was written
  cutShort.start = 60 * kMs;
  cutShort.pauseNs = 3 * kMs;
  run.ranks[0].checkpoints = {written, cutShort};

  const json trace = traceOf(run);
  expectWellFormed(trace);
  const int row = tidNamed(trace, 1, "checkpoints");

  std::vector<json> checkpoints;
  std::vector<json> pauses;
  for (json event : eventsWhere(trace, "X", 1)) {
    if (event["name"] == "checkpoint") checkpoints.push_back(event);
    if (event["name"] == "pause") pauses.push_back(event);
  }
  ASSERT_EQ(checkpoints.size(), 2u);
  ASSERT_EQ(pauses.size(), 2u);
  for (json event : checkpoints) {
    EXPECT_EQ(event["tid"], row);
    EXPECT_EQ(event["cat"], "checkpoint");
  }
  EXPECT_DOUBLE_EQ(checkpoints[0]["ts"].get<double>(), 20'000.0);
  EXPECT_DOUBLE_EQ(checkpoints[0]["dur"].get<double>(), 10'000.0);
  EXPECT_EQ(checkpoints[0]["args"]["bytes"], 4096);
  EXPECT_DOUBLE_EQ(checkpoints[1]["dur"].get<double>(), 3'000.0);  // to the pause's end
  EXPECT_EQ(checkpoints[1]["args"]["written"], false);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(pauses[i]["tid"], row);
    EXPECT_EQ(pauses[i]["ts"], checkpoints[i]["ts"]);
    EXPECT_LE(pauses[i]["dur"].get<double>(), checkpoints[i]["dur"].get<double>());
  }
  EXPECT_DOUBLE_EQ(pauses[0]["dur"].get<double>(), 2'000.0);
}

TEST(TraceFile, FrameInstancesOverAndNotOver) {
  RunRecord run = oneRank();
  run.stages.push_back({"video::frame", "frame"});
  FrameSpan done;
  done.start = 10 * kMs;
  done.end = 40 * kMs;
  done.id = 0x1234;
  done.stage = 2;
  FrameSpan open;
  open.start = 50 * kMs;
  open.id = 0xffff'ffff'ffff'fff0ull;  // above 2^53
  open.stage = 2;
  run.ranks[0].frames = {done, open};
  run.ranks[0].framesDropped = 7;

  const json trace = traceOf(run);
  expectWellFormed(trace);
  const int row = tidNamed(trace, 1, "frames");

  std::map<std::string, std::map<std::string, json>> byId;  // id -> ph -> event
  for (json event : trace["traceEvents"])
    if (event["ph"] == "b" || event["ph"] == "e") {
      EXPECT_EQ(event["name"], "video::frame");
      EXPECT_EQ(event["pid"], 1);
      EXPECT_EQ(event["tid"], row);
      byId[event["id"]][event["ph"]] = event;
    }
  ASSERT_EQ(byId.size(), 2u);
  const json& doneBegin = byId["0x1234"]["b"];
  const json& doneEnd = byId["0x1234"]["e"];
  EXPECT_DOUBLE_EQ(doneBegin["ts"].get<double>(), 10'000.0);
  EXPECT_DOUBLE_EQ(doneEnd["ts"].get<double>(), 40'000.0);
  EXPECT_FALSE(doneBegin.contains("args"));
  const json& openEnd = byId["0xfffffffffffffff0"]["e"];
  EXPECT_DOUBLE_EQ(openEnd["ts"].get<double>(), 100'000.0);  // the rank's wall time
  EXPECT_EQ(openEnd["args"]["over"], false);
  EXPECT_EQ(trace["otherData"]["per rank"][0]["frames dropped"], 7);
}

TEST(TraceFile, CrossingSpansGoToASecondRow) {
  RunRecord run = oneRank();
  // Merged spans can cross: waits [12, 40) start inside the stage [0, 25).
  run.ranks[0].spans = {span(SpanKind::stage, 0, 0, 25 * kMs, 10, 0),
                        span(SpanKind::wait, 0, 12 * kMs, 28 * kMs),
                        span(SpanKind::stage, 0, 30 * kMs, 5 * kMs, 3, 0)};
  const json trace = traceOf(run);
  expectWellFormed(trace);  // checks that no row holds a crossing pair
  const int first = tidNamed(trace, 1, "worker 0");
  const int second = tidNamed(trace, 1, "worker 0 (overlapping 1)");
  std::map<std::string, std::set<int>> rowsOf;
  for (json event : eventsWhere(trace, "X", 1))
    rowsOf[event["cat"]].insert(event["tid"].get<int>());
  EXPECT_EQ(rowsOf["stage"], (std::set<int>{first}));
  EXPECT_EQ(rowsOf["idle"], (std::set<int>{second}));
  EXPECT_EQ(stageItems(trace), 13u);
}

TEST(TraceFile, EventsBeforeRankZerosStartMoveTheOrigin) {
  RunRecord run = oneRank();
  RankRecord early = rankRecord(1, "node2", 1);
  early.spans = {span(SpanKind::stage, 0, -3 * kMs, 4 * kMs, 1, 0)};  // its clock ran ahead
  run.ranks.push_back(early);
  run.ranksInRun = 2;
  const json trace = traceOf(run);
  expectWellFormed(trace);  // no negative ts
  EXPECT_DOUBLE_EQ(trace["otherData"]["rank 0 start ts"].get<double>(), 3'000.0);
  for (json event : eventsWhere(trace, "X", 2)) EXPECT_DOUBLE_EQ(event["ts"].get<double>(), 0.0);
}

// A fresh folder per test, removed afterwards.
class TraceFileWrite : public testing::Test {
 protected:
  void SetUp() override {
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    folder_ = fs::temp_directory_path() /
              (std::string("jobstream-trace-") + info->name() + "-" + std::to_string(::getpid()));
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }

  static std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  fs::path folder_;
};

TEST_F(TraceFileWrite, TheFileAppearsWholeAndNothingElse) {
  const fs::path path = folder_ / "run.json";
  {
    std::ofstream old(path);
    old << "an older trace, longer than nothing";
  }
  const RunRecord run = oneRank();
  writeTraceFile(run, path.string());

  std::ostringstream expected;
  writeTrace(run, expected);
  EXPECT_EQ(read(path), expected.str());
  expectWellFormed(json::parse(read(path)));
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(folder_))
    files.push_back(entry.path().filename().string());
  EXPECT_EQ(files, std::vector<std::string>{"run.json"});  // no run.json.tmp
}

TEST_F(TraceFileWrite, AMissingFolderThrowsNamingThePath) {
  const std::string path = (folder_ / "no such folder" / "run.json").string();
  try {
    writeTraceFile(oneRank(), path);
    FAIL() << "no exception";
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    EXPECT_THAT(message, HasSubstr(path));
    EXPECT_THAT(message, HasSubstr("No such file or directory"));
    EXPECT_THAT(message, testing::Not(HasSubstr("jobstream:")));
  }
  EXPECT_FALSE(fs::exists(folder_ / "no such folder"));
}

TEST_F(TraceFileWrite, AFolderInTheWayThrowsAndLeavesNoTemporaryFile) {
  const fs::path path = folder_ / "taken";
  fs::create_directories(path / "inside");  // rename cannot replace a non-empty folder
  EXPECT_THROW(writeTraceFile(oneRank(), path.string()), std::runtime_error);
  EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
  EXPECT_TRUE(fs::is_directory(path));
}

// A 100M-item run must give a file under 64 MiB: the recorder bounds the
// spans, this writer the bytes per span.
TEST(TraceFileSize, BytesPerSpanStayBounded) {
  RunRecord run = oneRank();
  RankRecord& rank = run.ranks[0];
  rank.spans.clear();
  rank.samples.clear();
  constexpr std::size_t kSpans = 20'000;
  std::int64_t now[2] = {0, 0};
  for (std::size_t i = 0; i < kSpans; ++i) {
    const auto thread = static_cast<std::uint16_t>(i % 2);
    // Times like a real run's: hours in, odd nanoseconds.
    const std::int64_t start = 3'600 * 1000 * kMs + now[thread] + 123;
    const bool working = (i / 2) % 2 == 0;
    rank.spans.push_back(working ? span(SpanKind::stage, thread, start, 987'654, 512, 0)
                                 : span(SpanKind::wait, thread, start, 12'345));
    now[thread] += 1'000'000;
  }
  rank.wallNs = 3'601 * 1000 * kMs;
  std::ostringstream out;
  writeTrace(run, out);
  const double perSpan = static_cast<double>(out.str().size()) / kSpans;
  RecordProperty("bytes_per_span", std::to_string(perSpan));
  // Measured: 113 bytes (stage spans 124, waits 100), at 20,000 spans as at 200,000.
  EXPECT_LT(perSpan, 125.0);
  // One event a line, one per span (the other tests parse; 2 MB would be slow
  // under the sanitizers).
  std::istringstream lines(out.str());
  std::size_t spans = 0;
  for (std::string line; std::getline(lines, line);) spans += line.rfind("{\"ph\":\"X\"", 0) == 0;
  EXPECT_EQ(spans, kSpans);
}

}  // namespace
}  // namespace jstest
