// The --report page: its words and numbers, its sections on synthetic runs
// (one rank; four with checkpoints, frames, a partial rank and a failure;
// 2048 worker threads with a million spans), what it must never contain
// (anything from the network, a script, unescaped record text), and its
// size, bounded whatever the record's.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "observe/report_file.hpp"
#include "observe/report_svg.hpp"
#include "observe/report_sweep_chart.hpp"
#include "observe/report_text.hpp"
#include "observe/stats.hpp"

namespace jstest {
namespace {

using namespace jobstream::detail;
using namespace std::string_literals;

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kSecond = 1000 * kMs;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;

// A run as a scientist's would look: ramp-up, steady work, a tail where the
// work runs out, checkpoints every ten minutes, a reduce merging on the
// communication thread, frames.
struct Shape {
  int ranks = 4;
  int threads = 8;
  std::int64_t duration = 3 * kHour;
  double meanSpan = 5e9;  // ns
  bool checkpoints = true;
  bool failed = false;
  std::vector<int> missing;  // never heard from
  std::vector<int> partial;  // stopped at 70% of the run
  std::uint64_t seed = 1;
};

class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double between(double low, double high) { return low + (high - low) * uniform(); }

 private:
  std::mt19937_64 engine_;
};

RunRecord simulatedRun(const Shape& shape) {
  RunRecord run;
  run.pipeline = "cells::measure_plates";
  run.stages = {{"read_images", "job"},
                {"segment", "job"},
                {"measure", "job"},
                {"sum_by_plate", "reduce"},
                {"refine", "frame"}};
  run.ranksInRun = shape.ranks;
  run.startedAtUnixMs = 1714566896000;
  Random random(shape.seed);
  std::vector<CheckpointMark> marks;
  if (shape.checkpoints) {
    for (std::int64_t t = 10 * kMinute; t < shape.duration; t += 10 * kMinute) {
      const auto pause = static_cast<std::int64_t>(random.between(1.5e9, 4e9));
      marks.push_back({t, pause, t + pause + 6 * kSecond,
                       static_cast<std::uint64_t>(random.between(2e8, 9e8))});
    }
    if (shape.failed) marks.back().writtenAt = -1;
  }
  // The next pause at or after t, as [start, end).
  const auto nextPause = [&](std::int64_t t) {
    for (const CheckpointMark& mark : marks) {
      if (mark.start + mark.pauseNs > t) return std::pair{mark.start, mark.start + mark.pauseNs};
    }
    return std::pair{shape.duration * 2, shape.duration * 2};
  };
  const auto has = [](const std::vector<int>& ranks, int r) {
    return std::find(ranks.begin(), ranks.end(), r) != ranks.end();
  };
  std::uint64_t frameId = 1;
  for (int r = 0; r < shape.ranks; ++r) {
    RankRecord rank;
    rank.rank = r;
    if (has(shape.missing, r)) {
      run.ranks.push_back(rank);
      continue;
    }
    rank.host = fmt::format("node{:03}.cluster", r / 2);
    rank.threads = shape.threads;
    rank.complete = !has(shape.partial, r);
    rank.clockOffsetNs = r * 1234;
    rank.clockErrorNs = r == 0 ? 0 : 15'000 + r * 100;
    rank.spanResolutionNs = kMs;
    rank.stages.resize(run.stages.size());
    const std::int64_t end = rank.complete ? shape.duration : shape.duration * 7 / 10;
    std::vector<std::pair<std::int64_t, std::uint64_t>> finishedAt;
    for (int thread = 0; thread < shape.threads; ++thread) {
      std::int64_t t = 200 * kMs + r * 30 * kMs + thread * 3 * kMs;
      while (t < end) {
        const auto [pauseStart, pauseEnd] = nextPause(t);
        if (t >= pauseStart) {
          t = pauseEnd;
          continue;
        }
        const double phase = static_cast<double>(t) / static_cast<double>(shape.duration);
        const double waitChance = phase > 0.9 ? 0.1 + (phase - 0.9) * 8 : 0.03;
        Span span;
        span.start = t;
        span.thread = static_cast<std::uint16_t>(thread);
        if (random.uniform() < waitChance) {
          span.kind = SpanKind::wait;
          span.duration = static_cast<std::int64_t>(shape.meanSpan * random.between(0.2, 1.5));
        } else {
          const double pick = random.uniform();
          span.stage = pick < 0.12 ? 0 : pick < 0.6 ? 1 : pick < 0.96 ? 2 : 4;
          const double scale = span.stage == 1 ? 1.6 : span.stage == 0 ? 0.4 : 1.0;
          span.duration =
              static_cast<std::int64_t>(shape.meanSpan * scale * random.between(0.3, 1.7));
          span.items = 1 + static_cast<std::uint64_t>(random.between(10, 60));
        }
        span.duration = std::max<std::int64_t>(1, std::min(span.duration, pauseStart - t));
        if (span.kind == SpanKind::stage) {
          StageTally& tally = rank.stages[span.stage];
          ++tally.calls;
          tally.itemsIn += span.items;
          tally.itemsOut += span.stage == 2 ? span.items / 8 : span.items;
          tally.wallNs += static_cast<std::uint64_t>(span.duration);
          tally.cpuNs += static_cast<std::uint64_t>(static_cast<double>(span.duration) * 0.93);
          rank.userNs += static_cast<std::uint64_t>(span.duration);
          if (span.stage == 2) finishedAt.emplace_back(span.start + span.duration, span.items);
        }
        rank.spans.push_back(span);
        t += span.duration;
      }
    }
    // The communication thread: transport calls, and now and then a merge.
    for (std::int64_t t = 300 * kMs; t < end;
         t += static_cast<std::int64_t>(random.between(0.5e9, 3e9))) {
      Span span;
      span.thread = static_cast<std::uint16_t>(shape.threads);
      span.start = t;
      if (random.uniform() < 0.05) {
        span.kind = SpanKind::merge;
        span.stage = 3;
        span.duration = static_cast<std::int64_t>(random.between(5e7, 6e8));
        rank.stages[3].calls++;
        rank.stages[3].itemsIn += 40;
        rank.stages[3].wallNs += static_cast<std::uint64_t>(span.duration);
      } else {
        span.kind = SpanKind::communicate;
        span.duration = static_cast<std::int64_t>(random.between(5e5, 4e7));
        rank.mpiNs += static_cast<std::uint64_t>(span.duration);
      }
      rank.messages += 3;
      rank.userMessages += 2;
      rank.spans.push_back(span);
    }
    std::sort(finishedAt.begin(), finishedAt.end());
    std::size_t next = 0;
    std::uint64_t finished = 0;
    for (std::int64_t t = 0; t <= end; t += kSecond) {
      while (next < finishedAt.size() && finishedAt[next].first <= t)
        finished += finishedAt[next++].second;
      const double phase = static_cast<double>(t) / static_cast<double>(shape.duration);
      const auto waiting =
          static_cast<std::uint64_t>(std::max(0.0, 900 * (0.95 - phase)) + random.between(0, 60));
      rank.samples.push_back({t, finished, waiting, static_cast<std::uint32_t>(shape.threads)});
      rank.peakWaiting = std::max(rank.peakWaiting, waiting);
    }
    rank.itemsFinished = finished;
    rank.userCpuNs = static_cast<std::uint64_t>(static_cast<double>(rank.userNs) * 0.93);
    rank.wallNs = end;
    // Rank 1's last frame started early and never ended: the longest.
    for (int f = 0; f < 6; ++f) {
      const bool open = f == 5 && r == 1;
      const auto start = static_cast<std::int64_t>(
          random.between(0, static_cast<double>(end) * (open ? 0.1 : 0.9)));
      const auto length = static_cast<std::int64_t>(random.between(1e9, 9e11));
      rank.frames.push_back({start, open ? -1 : std::min(start + length, end), frameId++, 4});
    }
    if (r == 0) rank.checkpoints = marks;
    run.ranks.push_back(std::move(rank));
  }
  if (shape.failed) {
    run.exitCode = 1;
    run.error =
        "jobstream: error: stage 'cells::segment' failed on rank 2: <script>alert(\"x & "
        "y\")</script> "
        "threshold\x1b[31m out of range";
  }
  return run;
}

std::string pageOf(const RunRecord& run) {
  std::ostringstream out;
  writeReport(run, out);
  return out.str();
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + what.size()))
    ++n;
  return n;
}

// Whether every element opened is closed, in order (void elements and
// "<x/>" close themselves), as an HTML parser would find them; the first
// problem otherwise.
std::string unbalancedTag(const std::string& page) {
  static const std::set<std::string> kVoid = {"meta",  "br",   "hr",  "img",
                                              "input", "link", "col", "wbr"};
  std::vector<std::string> open;
  for (std::size_t at = page.find('<'); at != std::string::npos; at = page.find('<', at + 1)) {
    const std::size_t end = page.find('>', at);
    if (end == std::string::npos) return "a tag never ends";
    const std::string tag = page.substr(at + 1, end - at - 1);
    if (tag.starts_with('!')) continue;
    const bool closing = tag.starts_with('/');
    const std::string name =
        tag.substr(closing ? 1 : 0, tag.find_first_of(" \n/", closing ? 1 : 0) - (closing ? 1 : 0));
    if (closing) {
      if (open.empty() || open.back() != name)
        return fmt::format("</{}> closes <{}>", name, open.empty() ? "" : open.back());
      open.pop_back();
    } else if (!tag.ends_with('/') && kVoid.count(name) == 0) {
      open.push_back(name);
      if (name == "style") at = page.find("</style>", end) - 1;  // CSS is not markup
    }
  }
  return open.empty() ? std::string() : fmt::format("<{}> never closed", open.back());
}

// The text outside tags, as a reader sees it: whatever the record said must
// appear here escaped, never as markup.
void expectSafe(const std::string& page) {
  EXPECT_EQ(page.find("http://"), std::string::npos);
  EXPECT_EQ(page.find("https://"), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_EQ(page.find("@import"), std::string::npos);
  EXPECT_EQ(page.find("url(http"), std::string::npos);
  EXPECT_EQ(unbalancedTag(page), "");
}

// The timeline draws at most a busy and a waiting segment per row and pixel
// column, and rectangles only for rows (hover), missing ranks and pauses.
void expectTimelineBounded(const std::string& page, int rows) {
  const std::size_t start = page.find("<svg class=\"chart timeline\"");
  ASSERT_NE(start, std::string::npos);
  const std::string timeline = page.substr(start, page.find("</svg>", start) - start);
  const auto cells = static_cast<std::size_t>(rows) * kChartColumns;
  EXPECT_LE(count(timeline, "h"), 2 * cells + 1000);  // "h<width>" per segment; text has a few more
  EXPECT_LE(count(timeline, "<rect"), 2u * static_cast<std::size_t>(rows) + kChartColumns / 2 + 2);
}

// --- words and numbers ------------------------------------------------------

TEST(ReportText, EscapesMarkupQuotesAndControlBytes) {
  EXPECT_EQ(htmlEscape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(htmlEscape("tab\tnew\nnul\0bell\x07"
                       "esc\x1b[31mdel\x7f"s),
            "tab\tnew\nnul␀bell␇esc␛[31mdel␡");
  EXPECT_EQ(htmlEscape("plain ü µs"), "plain ü µs");
  EXPECT_EQ(htmlEscape(""), "");
}

TEST(ReportText, CountsHaveThousandsSeparators) {
  EXPECT_EQ(groupedCount(0), "0");
  EXPECT_EQ(groupedCount(999), "999");
  EXPECT_EQ(groupedCount(1000), "1,000");
  EXPECT_EQ(groupedCount(1234567), "1,234,567");
  EXPECT_EQ(groupedCount(18446744073709551615ull), "18,446,744,073,709,551,615");
  EXPECT_EQ(compactNumber(0), "0");
  EXPECT_EQ(compactNumber(0.25), "0.25");
  EXPECT_EQ(compactNumber(250), "250");
  EXPECT_EQ(compactNumber(1500), "1.5k");
  EXPECT_EQ(compactNumber(2e6), "2M");
  EXPECT_EQ(compactNumber(999999), "1M");
}

TEST(ReportText, DurationsInTheUnitThatFits) {
  EXPECT_EQ(humanDuration(0), "0 ns");
  EXPECT_EQ(humanDuration(850), "850 ns");
  EXPECT_EQ(humanDuration(0.5), "0.50 ns");
  EXPECT_EQ(humanDuration(12345), "12.3 µs");
  EXPECT_EQ(humanDuration(999999), "1.00 ms");
  EXPECT_EQ(humanDuration(4.56e6), "4.56 ms");
  EXPECT_EQ(humanDuration(1.234e9), "1.23 s");
  EXPECT_EQ(humanDuration(59.4e9), "59.4 s");
  EXPECT_EQ(humanDuration(59.999e9), "1 min 0 s");
  EXPECT_EQ(humanDuration(245e9), "4 min 5 s");
  EXPECT_EQ(humanDuration(3 * 3600e9 + 180e9), "3 h 3 min");
  EXPECT_EQ(humanDuration(27 * 3600e9), "27 h 0 min");
  EXPECT_EQ(humanDuration(12345 * 3600e9 + 1e9), "12,345 h");
  EXPECT_EQ(humanDuration(-2e6), "-2.00 ms");
  EXPECT_EQ(humanBytes(512), "512 B");
  EXPECT_EQ(humanBytes(1536), "1.50 KiB");
  EXPECT_EQ(humanBytes(3435973837), "3.20 GiB");
  EXPECT_EQ(humanBytes(1048575), "1.00 MiB");
}

TEST(ReportText, WallClockAndRankLists) {
  EXPECT_EQ(utcTime(1714566896000), "2024-05-01 12:34:56 UTC");
  EXPECT_EQ(utcTime(0), "unknown");
  EXPECT_EQ(rankList({9, 3, 1, 4, 5}), "1, 3–5, 9");
  EXPECT_EQ(rankList({2}), "2");
  EXPECT_EQ(rankList({}), "");
}

TEST(ReportText, TimeTicksAreRoundAndLabelledInHumanUnits) {
  const TimeTicks hours = timeTicks(TimeScale{0, 3 * kHour + 5 * kMinute}, 10);
  EXPECT_EQ(hours.step, 20 * kMinute);
  EXPECT_EQ(hours.at.size(), 10u);
  EXPECT_EQ(timeTickLabel(0, hours.step, 3 * kHour), "0");
  EXPECT_EQ(timeTickLabel(40 * kMinute, hours.step, 3 * kHour), "40 min");
  EXPECT_EQ(timeTickLabel(kHour, hours.step, 3 * kHour), "1 h");
  EXPECT_EQ(timeTickLabel(100 * kMinute, hours.step, 3 * kHour), "1 h 40 min");
  EXPECT_EQ(timeTickLabel(70 * kSecond, 10 * kSecond, 2 * kMinute), "1 min 10 s");
  EXPECT_EQ(timeTickLabel(20 * kSecond, 10 * kSecond, 50 * kSecond), "20 s");
  EXPECT_EQ(timeTickLabel(1500 * kMs, 500 * kMs, 4 * kSecond), "1.5 s");
  EXPECT_EQ(timeTickLabel(40 * kMs, 20 * kMs, 200 * kMs), "40 ms");
  const TimeTicks short_ = timeTicks(TimeScale{0, 3 * kSecond}, 10);
  EXPECT_EQ(short_.step, 500 * kMs);
}

// --- the page -------------------------------------------------------------

TEST(ReportPage, OneRankHasEverySection) {
  Shape shape;
  shape.ranks = 1;
  shape.threads = 4;
  shape.duration = 90 * kSecond;
  shape.meanSpan = 0.4e9;
  shape.checkpoints = false;
  const RunRecord run = simulatedRun(shape);
  const std::string page = pageOf(run);
  expectSafe(page);
  EXPECT_TRUE(page.starts_with("<!DOCTYPE html>"));
  for (const char* id :
       {"summary", "stats", "stages", "timeline", "items", "checkpoints", "frames"}) {
    EXPECT_NE(page.find(fmt::format("id=\"{}\"", id)), std::string::npos) << id;
  }
  EXPECT_NE(page.find("<h1>cells::measure_plates</h1>"), std::string::npos);
  EXPECT_NE(page.find("2024-05-01 12:34:56 UTC"), std::string::npos);
  EXPECT_NE(page.find(htmlEscape(statsText(run))), std::string::npos);
  EXPECT_NE(page.find("No checkpoints were taken."), std::string::npos);
  EXPECT_EQ(page.find("class=\"failure\""), std::string::npos);
  EXPECT_EQ(page.find("Incomplete data"), std::string::npos);
  // One row per thread: four workers and the communication thread.
  EXPECT_NE(page.find(">w3</text>"), std::string::npos);
  EXPECT_NE(page.find(">comm</text>"), std::string::npos);
  EXPECT_EQ(page.find(">w4</text>"), std::string::npos);
  // A row per stage and the totals.
  for (const StageInfo& stage : run.stages)
    EXPECT_NE(page.find(">" + stage.name + "</td>"), std::string::npos);
  EXPECT_NE(page.find("<tr class=\"total\">"), std::string::npos);
}

TEST(ReportPage, FailedRunShowsItsErrorEscapedAndNamesIncompleteRanks) {
  Shape shape;
  shape.duration = 40 * kMinute;
  shape.failed = true;
  shape.partial = {2};
  shape.missing = {3};
  const RunRecord run = simulatedRun(shape);
  const std::string page = pageOf(run);
  expectSafe(page);
  EXPECT_NE(page.find("The run failed (exit status 1)"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;alert(&quot;x &amp; y&quot;)&lt;/script&gt; threshold␛[31m"),
            std::string::npos);
  EXPECT_NE(page.find("Rank 2 sent its summary while the run went on"), std::string::npos);
  EXPECT_NE(page.find("No data from rank 3"), std::string::npos);
  EXPECT_NE(page.find("no data received from this rank"), std::string::npos);
  EXPECT_NE(page.find("partial data, sent while the run went on"), std::string::npos);
}

TEST(ReportPage, CheckpointsAndFramesAreListed) {
  Shape shape;
  shape.duration = 35 * kMinute;
  shape.failed = true;  // the last checkpoint never written
  const RunRecord run = simulatedRun(shape);
  const std::string page = pageOf(run);
  expectSafe(page);
  const std::size_t marks = run.ranks[0].checkpoints.size();
  ASSERT_EQ(marks, 3u);
  EXPECT_NE(page.find("3 checkpoints (2 written)"), std::string::npos);
  EXPECT_NE(page.find("no: the run ended first"), std::string::npos);
  // Pause bands numbered as in the table.
  EXPECT_NE(page.find("class=\"mark\""), std::string::npos);
  EXPECT_NE(page.find("24 frame instances recorded (1 not over when the record was taken)"),
            std::string::npos);
  EXPECT_NE(page.find("The longest 5"), std::string::npos);
  EXPECT_NE(page.find("at least "), std::string::npos);
}

TEST(ReportPage, TextFromTheRecordIsEscapedEverywhere) {
  Shape shape;
  shape.ranks = 2;
  shape.threads = 2;
  shape.duration = 10 * kSecond;
  shape.meanSpan = 0.2e9;
  RunRecord run = simulatedRun(shape);
  run.pipeline = "<b>pipe</b> & 'co'";
  run.stages[1].name = "seg<ment>\"";
  run.stages[1].kind = "<job>";
  run.ranks[1].host = "<img src=x>";
  const std::string page = pageOf(run);
  expectSafe(page);
  EXPECT_EQ(page.find("<b>"), std::string::npos);
  EXPECT_NE(page.find("&lt;b&gt;pipe&lt;/b&gt; &amp; &#39;co&#39;"), std::string::npos);
  EXPECT_NE(page.find("seg&lt;ment&gt;&quot;"), std::string::npos);
  EXPECT_NE(page.find("&lt;job&gt;"), std::string::npos);
  EXPECT_NE(page.find("&lt;img src=x&gt;"), std::string::npos);
}

TEST(ReportPage, EmptyRecordStillMakesAPage) {
  RunRecord run;
  run.ranksInRun = 2;
  run.exitCode = 3;
  const std::string page = pageOf(run);
  expectSafe(page);
  EXPECT_NE(page.find("Rank 0 recorded nothing"), std::string::npos);
  EXPECT_NE(page.find("No data from ranks 0–1"), std::string::npos);
  EXPECT_NE(page.find("No error line was recorded."), std::string::npos);
  EXPECT_NE(page.find("No rank took samples"), std::string::npos);
}

// 64 ranks x 32 workers: past the rows the timeline draws per thread, and a
// million spans. The page stays a few MiB at most: a segment per row and
// pixel column at worst, rectangles only for rows and pause bands.
TEST(ReportPage, SizeIsBoundedWhateverTheRecord) {
  Shape shape;
  shape.ranks = 64;
  shape.threads = 32;
  shape.duration = kHour;
  shape.meanSpan = 6.5e9;
  const RunRecord run = simulatedRun(shape);
  std::size_t spans = 0;
  for (const RankRecord& rank : run.ranks) spans += rank.spans.size();
  ASSERT_GE(spans, 1'000'000u);
  const std::string page = pageOf(run);
  expectSafe(page);
  RecordProperty("bytes", static_cast<int>(page.size()));
  EXPECT_LT(page.size(), 3u << 20);
  EXPECT_EQ(page.find(">w0</text>"), std::string::npos);
  EXPECT_NE(page.find("2,048 threads are too many for a row each"), std::string::npos);
  expectTimelineBounded(page, 2 * 64);
  EXPECT_LE(count(page, "<path"), 64u);
}

// The worst a record can do to the timeline: spans about a pixel column
// long, of random stages, a third of them waits, so that neighbouring
// columns never look alike. Per thread at the most rows drawn per thread,
// and per rank past them.
RunRecord noisyRun(int ranks, int threads) {
  RunRecord run;
  run.pipeline = "noise";
  run.stages = {{"a", "job"}, {"b", "job"}, {"c", "job"}, {"d", "job"}, {"e", "job"}};
  run.ranksInRun = ranks;
  Random random(7);
  const std::int64_t duration = kHour;
  const double column = static_cast<double>(duration) / kChartColumns;
  for (int r = 0; r < ranks; ++r) {
    RankRecord& rank = run.ranks.emplace_back();
    rank.rank = r;
    rank.host = "h";
    rank.threads = threads;
    rank.complete = true;
    rank.wallNs = duration;
    rank.stages.resize(5);
    for (int thread = 0; thread <= threads; ++thread) {
      for (std::int64_t t = 0; t < duration;) {
        Span span;
        span.start = t;
        span.duration = static_cast<std::int64_t>(column * random.between(0.3, 1.7));
        span.thread = static_cast<std::uint16_t>(thread);
        span.kind = random.uniform() < 0.33 ? SpanKind::wait : SpanKind::stage;
        span.stage = static_cast<std::uint32_t>(random.between(0, 5));
        rank.spans.push_back(span);
        t += span.duration;
      }
    }
  }
  return run;
}

TEST(ReportPage, SizeIsBoundedForTheWorstTimeline) {
  for (const auto& [ranks, threads] : {std::pair{32, 7}, std::pair{64, 32}}) {
    const std::string page = pageOf(noisyRun(ranks, threads));
    expectSafe(page);
    RecordProperty(fmt::format("bytes_{}x{}", ranks, threads), static_cast<int>(page.size()));
    // Measured: 1.6 MB for 32 x 7, 0.8 MB for 64 x 32.
    EXPECT_LT(page.size(), 3u << 20) << ranks << " x " << threads;
    expectTimelineBounded(page, ranks * threads + ranks <= 256 ? ranks * (threads + 1) : 2 * ranks);
  }
}

// --- the sweep section --------------------------------------------------------

SweepPoint sweepPoint(std::vector<std::string> params, std::uint64_t trials,
                      std::vector<double> mean, std::vector<double> err,
                      std::vector<std::string> paramNames = {"a", "n"},
                      std::vector<std::string> outcomeNames = {"value", "cost"}) {
  SweepPoint point;
  point.sweep = "noise::trial";
  point.paramNames = std::move(paramNames);
  point.params = std::move(params);
  point.outcomeNames = std::move(outcomeNames);
  point.trials = trials;
  point.mean = std::move(mean);
  point.err = std::move(err);
  return point;
}

// A short run on two ranks whose sweep points are spread over both in no order.
RunRecord sweepRun(const std::vector<SweepPoint>& points) {
  Shape shape;
  shape.ranks = 2;
  shape.threads = 2;
  shape.duration = 10 * kSecond;
  shape.meanSpan = 0.2e9;
  shape.checkpoints = false;
  RunRecord run = simulatedRun(shape);
  for (std::size_t i = 0; i < points.size(); ++i)
    run.ranks[(i * 7 / 3) % 2].sweepPoints.push_back(points[i]);
  return run;
}

// The contract's sweep: sweep_noise.expected's rows, in no order.
std::vector<SweepPoint> noisePoints() {
  return {sweepPoint({"10", "20"}, 5, {10.1023, 20.2869}, {0.737303, 1.72763}),
          sweepPoint({"1", "10"}, 92, {1.03051, 10.0657}, {0.10231, 0.108338}),
          sweepPoint({"5.5", "20"}, 5, {5.94127, 20.1677}, {0.569331, 1.03524}),
          sweepPoint({"10", "10"}, 4, {9.89766, 10.5108}, {0.982588, 0.377097}),
          sweepPoint({"1", "20"}, 102, {0.974249, 19.9839}, {0.0964572, 0.190637}),
          sweepPoint({"5.5", "10"}, 5, {5.00252, 10.1117}, {0.426004, 0.787349})};
}

std::string sweepSection(const std::string& page) {
  const std::size_t start = page.find("<section id=\"sweep\">");
  if (start == std::string::npos) return {};
  return page.substr(start, page.find("</section>", start) - start);
}

TEST(ReportSweep, MeansAreShownToTheirErrorsPrecision) {
  EXPECT_EQ(meanWithError(1.03051, 0.10231), "1.03 ± 0.10");
  EXPECT_EQ(meanWithError(0.974249, 0.0964572), "0.974 ± 0.096");
  EXPECT_EQ(meanWithError(20.1677, 1.03524), "20.2 ± 1.0");
  EXPECT_EQ(meanWithError(12346, 234), "12350 ± 230");
  EXPECT_EQ(meanWithError(-0.001, 0.5), "0.00 ± 0.50");
  EXPECT_EQ(meanWithError(1.03051, std::nan("")), "1.03051");
  EXPECT_EQ(meanWithError(5, 0), "5 ± 0");
  EXPECT_EQ(meanWithError(6.02e23, 1.2e21), "6.020e+23 ± 1.2e+21");
  EXPECT_EQ(meanWithError(std::nan(""), 1), "nan");
}

TEST(ReportSweep, ParametersSortAsNumbersWhereTheyAreNumbers) {
  const auto order = [](std::string_view a, std::string_view b) {
    return compareParams(paramValue(a), paramValue(b));
  };
  EXPECT_LT(order("9", "10"), 0);
  EXPECT_LT(order("-1", "0.5"), 0);
  EXPECT_EQ(order("1e3", "1000"), 0);
  EXPECT_LT(order("10", "abc"), 0);  // numbers first
  EXPECT_LT(order("abc", "abd"), 0);
  EXPECT_GT(order("b", "B"), 0);
  EXPECT_FALSE(paramValue("1.5x").numeric);
  EXPECT_FALSE(paramValue("nan").numeric);
  EXPECT_FALSE(paramValue("").numeric);
}

TEST(ReportSweep, SectionOnlyWithPoints) {
  const std::string without = pageOf(sweepRun({}));
  EXPECT_EQ(without.find("id=\"sweep\""), std::string::npos);
  EXPECT_EQ(without.find("href=\"#sweep\""), std::string::npos);
  const std::string with = pageOf(sweepRun(noisePoints()));
  expectSafe(with);
  EXPECT_NE(with.find("<section id=\"sweep\">\n<h2>Sweep</h2>"), std::string::npos);
  EXPECT_NE(with.find("href=\"#sweep\""), std::string::npos);
}

TEST(ReportSweep, RowsFromEveryRankInParameterOrder) {
  const std::string section = sweepSection(pageOf(sweepRun(noisePoints())));
  EXPECT_NE(section.find("<h3><code>noise::trial</code></h3>"), std::string::npos);
  EXPECT_NE(
      section.find("6 combinations finished, 213 trials in all, from 4 to 102 per combination."),
      std::string::npos);
  // Table order: a, then n, as numbers (5.5 before 10).
  std::size_t at = 0;
  for (const char* row :
       {"<td class=\"num\">1</td><td class=\"num\">10</td><td class=\"num\">92</td>"
        "<td class=\"num\">1.03 ± 0.10</td><td class=\"num\">10.07 ± 0.11</td>",
        "<td class=\"num\">1</td><td class=\"num\">20</td>",
        "<td class=\"num\">5.5</td><td class=\"num\">10</td>",
        "<td class=\"num\">5.5</td><td class=\"num\">20</td>",
        "<td class=\"num\">10</td><td class=\"num\">10</td>",
        "<td class=\"num\">10</td><td class=\"num\">20</td>"}) {
    const std::size_t next = section.find(row, at);
    ASSERT_NE(next, std::string::npos) << row;
    at = next + 1;
  }
  EXPECT_EQ(count(section, "<tr>"), 7u);  // the header and six rows
}

TEST(ReportSweep, NumericXWithTheOtherParametersAsSeries) {
  const std::string section = sweepSection(pageOf(sweepRun(noisePoints())));
  // A chart per outcome column, a along x, a series per n with a legend.
  EXPECT_EQ(count(section, "<svg class=\"chart sweep\""), 2u);
  EXPECT_NE(section.find("aria-label=\"value: mean and 95% error against a\""), std::string::npos);
  EXPECT_NE(section.find("aria-label=\"cost: mean and 95% error against a\""), std::string::npos);
  EXPECT_NE(section.find("<span class=\"swatch\" style=\"background:#4e79a7\"></span>n=10</li>"),
            std::string::npos);
  EXPECT_NE(section.find("<span class=\"swatch\" style=\"background:#f28e2b\"></span>n=20</li>"),
            std::string::npos);
  EXPECT_EQ(section.find("(categories"), std::string::npos);
  EXPECT_EQ(section.find("(log scale)"), std::string::npos);
  // Every point drawn, with its bar and its numbers on hover.
  EXPECT_EQ(count(section, "<circle "), 12u);
  EXPECT_EQ(count(section, "h6"), 24u);  // two caps per bar
  EXPECT_NE(section.find("<title>a=5.5, n=20: 5.94 ± 0.57, 5 trials</title>"), std::string::npos);
  // Ticks on round numbers.
  EXPECT_NE(section.find(">10</text>"), std::string::npos);
}

TEST(ReportSweep, FirstNumericParameterRunsAlongX) {
  std::vector<SweepPoint> points;
  for (const char* method : {"slow", "fast"})
    for (const char* size : {"1000", "10", "100", "10000"})
      points.push_back(
          sweepPoint({method, size}, 3, {1.5}, {0.2}, {"method", "size"}, {"seconds"}));
  const std::string section = sweepSection(pageOf(sweepRun(points)));
  EXPECT_NE(section.find("against size\""), std::string::npos);
  EXPECT_NE(section.find("size (log scale)"), std::string::npos);
  EXPECT_NE(section.find(">10k</text>"), std::string::npos);  // ticks at the powers of ten
  EXPECT_NE(section.find("</span>method=fast</li>"), std::string::npos);
  EXPECT_LT(section.find("method=fast</li>"), section.find("method=slow</li>"));
  EXPECT_EQ(count(section, "<circle "), 8u);
}

TEST(ReportSweep, TextParametersAreCategoriesInTableOrder) {
  std::vector<SweepPoint> points;
  for (const char* solver : {"lu", "cg", "gmres"})
    for (const char* mesh : {"fine", "coarse"})
      points.push_back(sweepPoint({solver, mesh}, 4, {2.0}, {0.1}, {"solver", "mesh"}, {"error"}));
  const std::string section = sweepSection(pageOf(sweepRun(points)));
  EXPECT_NE(section.find("solver (categories, in table order)"), std::string::npos);
  const std::size_t cg = section.find(">cg</text>");
  const std::size_t gmres = section.find(">gmres</text>");
  const std::size_t lu = section.find(">lu</text>");
  ASSERT_NE(lu, std::string::npos);
  EXPECT_LT(cg, gmres);
  EXPECT_LT(gmres, lu);
  EXPECT_NE(section.find("</span>mesh=coarse</li>"), std::string::npos);
  EXPECT_EQ(count(section, "<circle "), 6u);
  // No line joins categories: the only paths are the grid, the axes and the bars.
  EXPECT_EQ(count(section, "stroke-opacity"), 0u);
}

TEST(ReportSweep, ASingleTrialDrawsNoBar) {
  const std::string section =
      sweepSection(pageOf(sweepRun({sweepPoint({"1"}, 1, {3.25}, {std::nan("")}, {"x"}, {"y"}),
                                    sweepPoint({"2"}, 1, {4.5}, {std::nan("")}, {"x"}, {"y"})})));
  EXPECT_EQ(count(section, "<circle "), 2u);
  EXPECT_EQ(section.find("h6"), std::string::npos);
  EXPECT_NE(section.find("<td class=\"num\">3.25</td>"), std::string::npos);
  EXPECT_NE(section.find("2 trials in all, 1 per combination."), std::string::npos);
  EXPECT_EQ(section.find("class=\"legend\""), std::string::npos);  // one series: no legend
}

TEST(ReportSweep, UserTextIsEscaped) {
  SweepPoint point =
      sweepPoint({"<b>&\"x\"", "1"}, 3, {1, 2}, {0.1, 0.2}, {"<i>name", "k"}, {"<o>", "c'st"});
  point.sweep = "ns::f<script>";
  SweepPoint other = point;
  other.params = {"<b>&\"y\"", "2"};
  const std::string page = pageOf(sweepRun({point, other}));
  expectSafe(page);
  const std::string section = sweepSection(page);
  EXPECT_EQ(section.find("<b>"), std::string::npos);
  EXPECT_EQ(section.find("<i>"), std::string::npos);
  EXPECT_EQ(section.find("<o>"), std::string::npos);
  EXPECT_NE(section.find("ns::f&lt;script&gt;"), std::string::npos);
  EXPECT_NE(section.find("&lt;b&gt;&amp;&quot;x&quot;"), std::string::npos);
  EXPECT_NE(section.find("&lt;i&gt;name"), std::string::npos);
  EXPECT_NE(section.find("c&#39;st"), std::string::npos);
}

// Two ranks at their cap, 40,000 combinations: the charts sum them into bins,
// keep 8 series, and the table shows its ends.
TEST(ReportSweep, SizeIsBoundedWhateverTheSweep) {
  for (const bool grid : {false, true}) {
    std::vector<SweepPoint> points;
    Random random(3);
    for (std::size_t i = 0; i < 2 * kMaxSweepPoints; ++i) {
      std::vector<std::string> params =
          grid ? std::vector<std::string>{fmt::format("{}", i % 200), fmt::format("{}", i / 200)}
               : std::vector<std::string>{fmt::format("{}", i), "0"};
      const double x = static_cast<double>(i % 200);
      points.push_back(
          sweepPoint(std::move(params), 10, {x + random.between(-1, 1), 1}, {0.5, 0.1}));
    }
    const RunRecord run = sweepRun(points);
    const std::string page = pageOf(run);
    expectSafe(page);
    const std::string section = sweepSection(page);
    RecordProperty(fmt::format("sweep_bytes_{}", grid ? "grid" : "line"),
                   static_cast<int>(section.size()));
    EXPECT_LT(section.size(), 400u << 10) << grid;
    EXPECT_NE(section.find("40,000 combinations finished"), std::string::npos);
    EXPECT_EQ(count(section, "<tr>"), 1u + 2 * 100);
    EXPECT_NE(section.find("… 39,800 more rows …"), std::string::npos);
    if (grid) {
      // 200 values of a along x, a series per n: too many series, but each short enough to draw.
      EXPECT_NE(section.find(
                    "The charts show the first 8 of 200 series; 192 more are only in the table."),
                std::string::npos);
      EXPECT_EQ(count(section, "<circle "), 2u * 8 * 200);
      EXPECT_EQ(count(section, "<title>"), 0u);  // too many points for hover text
    } else {
      EXPECT_NE(section.find("Too many combinations to draw one by one"), std::string::npos);
      EXPECT_EQ(count(section, "<circle "), 0u);
      EXPECT_LE(count(section, "<rect "), 2u * kBins);
    }
  }
}

TEST(ReportSweep, RanksAtTheirCapAreNamed) {
  RunRecord run = sweepRun({});
  for (std::size_t i = 0; i < kMaxSweepPoints; ++i)
    run.ranks[1].sweepPoints.push_back(
        sweepPoint({fmt::format("{}", i), "1"}, 3, {1, 1}, {0.1, 0.1}));
  const std::string section = sweepSection(pageOf(run));
  EXPECT_NE(section.find("Rank 1 recorded as many combinations as a rank keeps (20,000)"),
            std::string::npos);
}

// --- the file -----------------------------------------------------------------

TEST(ReportFile, ReplacesTheFileWhole) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / fmt::format("report_test_{}", ::getpid());
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "run.html").string();
  { std::ofstream(path) << "old"; }
  Shape shape;
  shape.ranks = 1;
  shape.duration = 5 * kSecond;
  shape.meanSpan = 1e8;
  writeReportFile(simulatedRun(shape), path);
  std::ifstream in(path);
  const std::string page((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(page.starts_with("<!DOCTYPE html>"));
  EXPECT_TRUE(page.ends_with("</html>\n"));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  std::filesystem::remove_all(dir);
}

TEST(ReportFile, ErrorNamesThePathAndTheReason) {
  const std::string path = "/nonexistent-folder-for-jobstream/run.html";
  try {
    writeReportFile(RunRecord{}, path);
    FAIL() << "no error";
  } catch (const std::runtime_error& error) {
    const std::string what = error.what();
    EXPECT_EQ(what, "cannot write report '" + path + "': No such file or directory");
  }
}

// Realistic pages for report_render.py, written only when asked.
}  // namespace
}  // namespace jstest
