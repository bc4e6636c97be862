// Synthetic run records for the tests of the --report page
// (test_report_file.cpp, test_report_sweep.cpp), and what every page must be.
#pragma once

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


namespace jstest::report {


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

inline RunRecord simulatedRun(const Shape& shape) {
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

inline std::string pageOf(const RunRecord& run) {
  std::ostringstream out;
  writeReport(run, out);
  return out.str();
}

inline std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + what.size()))
    ++n;
  return n;
}

// Whether every element opened is closed, in order (void elements and
// "<x/>" close themselves), as an HTML parser would find them; the first
// problem otherwise.
inline std::string unbalancedTag(const std::string& page) {
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
inline void expectSafe(const std::string& page) {
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
inline void expectTimelineBounded(const std::string& page, int rows) {
  const std::size_t start = page.find("<svg class=\"chart timeline\"");
  ASSERT_NE(start, std::string::npos);
  const std::string timeline = page.substr(start, page.find("</svg>", start) - start);
  const auto cells = static_cast<std::size_t>(rows) * kChartColumns;
  EXPECT_LE(count(timeline, "h"), 2 * cells + 1000);  // "h<width>" per segment; text has a few more
  EXPECT_LE(count(timeline, "<rect"), 2u * static_cast<std::size_t>(rows) + kChartColumns / 2 + 2);
}

}  // namespace jstest::report
