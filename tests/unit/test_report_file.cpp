// The --report page: its words and numbers, its sections on synthetic runs
// (one rank; four with checkpoints, frames, a partial rank and a failure;
// 2048 worker threads with a million spans), what it must never contain
// (anything from the network, a script, unescaped record text), and its
// size, bounded whatever the record's.
#include <gtest/gtest.h>

#include "report_records.hpp"

namespace jstest {
namespace {

using namespace report;

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

TEST(ReportPage, ARunToldToStopIsStoppedNotFailed) {
  // SIGTERM (a scheduler's time limit) or SIGINT: the run took its
  // checkpoint and stopped; the page says so, with the line rank 0 printed.
  for (const auto& [status, name] : {std::pair{143, "SIGTERM"}, std::pair{130, "SIGINT"}}) {
    RunRecord run = simulatedRun(Shape{});
    run.exitCode = status;
    run.error = "jobstream: stopped by " + std::string(name) +
                "; checkpoint written to 'run.ckpt': rerun the same command to resume";
    const std::string page = pageOf(run);
    expectSafe(page);
    EXPECT_NE(page.find(fmt::format("<dd>stopped</dd><dd class=\"note\">by {} (exit status {})</dd>", name, status)),
              std::string::npos);
    EXPECT_NE(page.find(fmt::format("The run was stopped by {} (exit status {})", name, status)), std::string::npos);
    EXPECT_NE(page.find("checkpoint written to &#39;run.ckpt&#39;"), std::string::npos) << page.substr(0, 3000);
    EXPECT_EQ(page.find("The run failed"), std::string::npos);
    EXPECT_EQ(page.find("class=\"failure\""), std::string::npos);
  }
  // Any other status is a failure.
  RunRecord run = simulatedRun(Shape{});
  run.exitCode = 137;
  run.error = "killed";
  EXPECT_NE(pageOf(run).find("The run failed (exit status 137)"), std::string::npos);
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
