#include "observe/report_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <climits>
#include <cstdio>
#include <cstring>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "jobstream/detail/exit_status.hpp"
#include "observe/report_progress.hpp"
#include "observe/report_style.hpp"
#include "observe/report_svg.hpp"
#include "observe/report_sweep.hpp"
#include "observe/report_tables.hpp"
#include "observe/report_text.hpp"
#include "observe/report_timeline.hpp"
#include "observe/stats.hpp"

namespace jobstream::detail {
namespace {

// One figure of the summary; `value` and `note` are HTML already.
void fact(std::string& page, std::string_view label, const std::string& value,
          const std::string& note, std::string_view modifier = {}) {
  page += fmt::format("<dl class=\"fact{}{}\"><dt>{}</dt><dd>{}</dd>", modifier.empty() ? "" : " ",
                      modifier, label, value);
  if (!note.empty()) page += fmt::format("<dd class=\"note\">{}</dd>", note);
  page += "</dl>\n";
}

// The signal a run told to stop exits with (128 + it), or "" for any other
// status.
std::string_view stopSignalName(int exitCode) {
  if (exitCode == exit_status::stoppedBy(SIGTERM)) return "SIGTERM";
  if (exitCode == exit_status::stoppedBy(SIGINT)) return "SIGINT";
  return {};
}

void writeSummary(const RunRecord& run, std::string& page) {
  const RankRecord* zero = run.ranks.empty() ? nullptr : &run.ranks.front();
  const std::int64_t wall = zero != nullptr ? zero->wallNs : 0;
  std::vector<int> partial;
  std::vector<int> missing;
  std::set<std::string> hosts;
  int threads = 0;
  int fewestThreads = INT_MAX;
  int mostThreads = 0;
  std::uint64_t items = 0;
  double userNs = 0;
  for (std::size_t i = 0; i < rankCount(run); ++i) {
    if (i >= run.ranks.size() || !heardFrom(run.ranks[i])) {
      missing.push_back(i < run.ranks.size() ? run.ranks[i].rank : static_cast<int>(i));
      continue;
    }
    const RankRecord& rank = run.ranks[i];
    if (!rank.complete) partial.push_back(rank.rank);
    hosts.insert(rank.host);
    threads += rank.threads;
    fewestThreads = std::min(fewestThreads, rank.threads);
    mostThreads = std::max(mostThreads, rank.threads);
    items += rank.itemsFinished;
    userNs += static_cast<double>(rank.userNs);
  }

  page += "<header id=\"summary\">\n";
  page += fmt::format("<h1>{}</h1>\n",
                      htmlEscape(run.pipeline.empty() ? "unnamed pipeline" : run.pipeline));
  page += fmt::format(
      "<p class=\"lede\">jobstream run report · started {} · {} rank{} on {} host{}</p>\n",
      utcTime(run.startedAtUnixMs), rankCount(run), rankCount(run) == 1 ? "" : "s", hosts.size(),
      hosts.size() == 1 ? "" : "s");
  page += "<div class=\"facts\">\n";
  const std::string_view stoppedBy = stopSignalName(run.exitCode);
  if (run.exitCode == 0) {
    fact(page, "Status", "finished", "exit status 0", "good");
  } else if (!stoppedBy.empty()) {
    fact(page, "Status", "stopped", fmt::format("by {} (exit status {})", stoppedBy, run.exitCode), "held");
  } else {
    fact(page, "Status", "failed", fmt::format("exit status {}", run.exitCode), "bad");
  }
  fact(page, "Ran for", wall > 0 ? humanDuration(static_cast<double>(wall)) : "unknown",
       "rank 0's wall time");
  fact(page, "Ranks", groupedCount(rankCount(run)),
       missing.empty() ? fmt::format("on {} host{}", hosts.size(), hosts.size() == 1 ? "" : "s")
                       : fmt::format("{} sent nothing", missing.size()));
  fact(page, "Worker threads", groupedCount(static_cast<std::uint64_t>(threads)),
       fewestThreads == mostThreads ? fmt::format("{} per rank", mostThreads)
       : threads > 0                ? fmt::format("{}–{} per rank", fewestThreads, mostThreads)
                                    : std::string());
  fact(page, "Items finished", groupedCount(items),
       wall > 0 ? fmt::format("{} per second", compactNumber(static_cast<double>(items) * 1e9 /
                                                             static_cast<double>(wall)))
                : std::string());
  if (wall > 0 && threads > 0) {
    const double busy = userNs / static_cast<double>(wall);
    fact(page, "Busy workers", fmt::format("{:.1f}", busy),
         fmt::format("of {} on average ({:.0f}%)", threads, percentOf(busy, threads)));
  }
  page += "</div>\n";

  if (!stoppedBy.empty()) {
    // Told to stop (a scheduler's time limit, Ctrl-C): not a failure. The
    // line rank 0 printed says whether a checkpoint was written.
    page += fmt::format("<section class=\"stopped\" role=\"status\"><h2>The run was stopped by {} (exit status "
                        "{})</h2>\n",
                        stoppedBy, run.exitCode);
    if (!run.error.empty()) page += fmt::format("<pre>{}</pre>\n", htmlEscape(run.error));
    page += "</section>\n";
  } else if (run.exitCode != 0) {
    page += fmt::format(
        "<section class=\"failure\" role=\"alert\"><h2>The run failed (exit status {})</h2>\n",
        run.exitCode);
    page += run.error.empty() ? "<p>No error line was recorded.</p>\n"
                              : fmt::format("<pre>{}</pre>\n", htmlEscape(run.error));
    page += "</section>\n";
  }
  if (!partial.empty() || !missing.empty()) {
    page += "<div class=\"incomplete\"><p><strong>Incomplete data.</strong></p>\n";
    if (!partial.empty()) {
      page += fmt::format(
          "<p>Rank{} {} sent {} summary while the run went on, before it ended: {} figures stop "
          "there.</p>\n",
          partial.size() == 1 ? "" : "s", rankList(partial), partial.size() == 1 ? "its" : "their",
          partial.size() == 1 ? "its" : "their");
    }
    if (!missing.empty()) {
      page += fmt::format("<p>No data from rank{} {}: {} missing from every figure below.</p>\n",
                          missing.size() == 1 ? "" : "s", rankList(missing),
                          missing.size() == 1 ? "it is" : "they are");
    }
    page += "</div>\n";
  }
  page += "<nav><a href=\"#stats\">Statistics</a><a href=\"#stages\">Stages</a>";
  if (hasSweepPoints(run)) page += "<a href=\"#sweep\">Sweep</a>";
  page +=
      "<a href=\"#timeline\">Timeline</a><a href=\"#items\">Items over time</a>"
      "<a href=\"#checkpoints\">Checkpoints</a><a href=\"#frames\">Frames</a></nav>\n</header>\n";
}

void writeStats(const RunRecord& run, std::string& page) {
  page += "<section id=\"stats\">\n<h2>Statistics</h2>\n";
  const std::string stats = statsText(run);
  if (stats.empty()) {
    page += "<p>Rank 0 recorded nothing, so there are no statistics.</p>\n</section>\n";
    return;
  }
  page += fmt::format(
      "<p>What <code>--stats</code> prints, in job_stream's format:</p>\n<pre "
      "class=\"stats\">{}</pre>\n",
      htmlEscape(stats));
  page +=
      "<dl class=\"explain\">\n"
      "<dt><code>0_host</code></dt><dd>The rank and its host: one line per rank heard from.</dd>\n"
      "<dt><code>user time</code></dt><dd>The worker threads' time inside your stages' code, over "
      "the rank's run; "
      "summed over workers, so 8 busy workers make 800%.</dd>\n"
      "<dt><code>mpi</code></dt><dd>The communication thread's time inside MPI calls, over the "
      "rank's run.</dd>\n"
      "<dt><code>user cpu</code></dt><dd>The CPU time of your code over its wall time: below 100% "
      "it waited (disk, "
      "locks, memory) or shared its core.</dd>\n"
      "<dt><code>messages</code></dt><dd>The messages the rank received; in brackets, the share "
      "that carried items "
      "(work sent or stolen).</dd>\n"
      "<dt><code>C … user time</code></dt><dd>The whole run: every rank's user time, summed.</dd>\n"
      "<dt><code>C … user cpu</code></dt><dd>As job_stream weighs it: the sum of each rank's user "
      "cpu × user "
      "time / 100.</dd>\n"
      "<dt><code>quality</code></dt><dd>The user CPU seconds of every rank over rank 0's wall "
      "seconds: how many CPUs "
      "did your work, on average.</dd>\n"
      "<dt><code>ran</code></dt><dd>Rank 0's wall time, in seconds.</dd>\n"
      "</dl>\n</section>\n";
}

// The stages' colours and the other marks of the timeline, as HTML: text
// wraps and prints better than in SVG.
std::string timelineLegend(const RunRecord& run, bool missingRanks) {
  std::string legend = "<ul class=\"legend\">\n";
  for (std::size_t i = 0; i < stageCount(run); ++i) {
    legend += fmt::format("<li><span class=\"swatch\" style=\"background:{}\"></span>{}</li>\n",
                          stageColour(i), htmlEscape(stageName(run, i)));
  }
  legend += fmt::format(
      "<li><span class=\"swatch\" style=\"background:{}\"></span>communication</li>\n"
      "<li><span class=\"swatch\" style=\"background:{}\"></span>waiting for work</li>\n"
      "<li><span class=\"swatch pause\"></span>checkpoint pause</li>\n",
      kCommunicationColour, kWaitColour);
  if (missingRanks)
    legend += "<li><span class=\"swatch nodata\"></span>no data from the rank</li>\n";
  return legend + "</ul>\n";
}

void writeTimeline(const RunRecord& run, const TimeScale& scale, std::string& page) {
  page += "<section id=\"timeline\">\n<h2>Timeline</h2>\n";
  bool missing = false;
  std::int64_t resolution = 0;
  std::int64_t clockError = 0;
  int threads = 0;
  for (std::size_t i = 0; i < rankCount(run); ++i) {
    if (i >= run.ranks.size() || !heardFrom(run.ranks[i])) {
      missing = true;
      continue;
    }
    resolution = std::max(resolution, run.ranks[i].spanResolutionNs);
    if (i > 0) clockError = std::max(clockError, run.ranks[i].clockErrorNs);
    threads += run.ranks[i].threads;
  }
  const Timeline timeline = timelineSvg(run, scale);
  page += timelineLegend(run, missing);
  page += "<figure>\n" + timeline.svg + "<figcaption>";
  if (timeline.perThread) {
    page +=
        "One row per worker thread (w0, w1, …) and one per communication thread (comm), grouped by "
        "rank. ";
  } else {
    page += fmt::format(
        "{} threads are too many for a row each: each rank has one row for its workers, as opaque "
        "as the share of "
        "them that was busy, and a thin row under it for its communication thread. ",
        groupedCount(static_cast<std::uint64_t>(threads)));
  }
  page += fmt::format(
      "Time runs from rank 0's start; each pixel column covers {} and takes the colour of the "
      "stage that had most "
      "of it, as opaque as the thread was busy. Hover over a row for its shares.",
      humanDuration(scale.columnNs()));
  if (resolution > 0) {
    page += fmt::format(" Spans closer than {} were merged to keep the record small.",
                        humanDuration(static_cast<double>(resolution)));
  }
  if (clockError > 0) {
    page += fmt::format(" Other ranks' clocks were aligned to rank 0's within ±{}.",
                        humanDuration(static_cast<double>(clockError)));
  }
  page += "</figcaption>\n</figure>\n</section>\n";
}

void writeProgress(const RunRecord& run, const TimeScale& scale, std::string& page) {
  page += "<section id=\"items\">\n<h2>Items over time</h2>\n";
  const std::string svg = progressSvg(run, scale);
  if (svg.empty()) {
    page += "<p>No rank took samples, so there is nothing to draw.</p>\n";
  } else {
    page += "<figure>\n" + svg +
            "<figcaption>Every rank's latest sample, summed: the items the run had finished, how "
            "fast it finished "
            "them, and how many waited in the ranks' queues.</figcaption>\n</figure>\n";
  }
  page += "</section>\n";
}

}  // namespace

void writeReport(const RunRecord& run, std::ostream& out) {
  const TimeScale scale = runTimeScale(run);
  std::string page;
  page +=
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  page += fmt::format("<title>{} · jobstream report</title>\n",
                      htmlEscape(run.pipeline.empty() ? "unnamed pipeline" : run.pipeline));
  page += fmt::format("<style>\n{}</style>\n</head>\n<body>\n<main>\n", kReportStyle);
  writeSummary(run, page);
  writeStats(run, page);
  writeStageTable(run, page);
  writeSweepSection(run, page);
  writeTimeline(run, scale, page);
  writeProgress(run, scale, page);
  writeCheckpointTable(run, page);
  writeFrameTable(run, scale, page);
  page += "<footer>Written by jobstream " JOBSTREAM_VERSION
          " (<code>--report</code>). Times are on rank 0's clock, from its start.</footer>\n"
          "</main>\n</body>\n</html>\n";
  out << page;
}

void writeReportFile(const RunRecord& run, const std::string& path) {
  std::ostringstream text;
  writeReport(run, text);
  const std::string page = std::move(text).str();
  const std::string temporary = path + ".tmp";
  const auto failure = [&](int error) {
    return std::runtime_error(
        fmt::format("cannot write report '{}': {}", path, std::strerror(error)));
  };
  std::FILE* file = std::fopen(temporary.c_str(), "wb");
  if (file == nullptr) throw failure(errno);
  int error = std::fwrite(page.data(), 1, page.size(), file) == page.size() ? 0 : errno;
  if (std::fclose(file) != 0 && error == 0) error = errno;
  if (error == 0 && std::rename(temporary.c_str(), path.c_str()) != 0) error = errno;
  if (error != 0) {
    std::remove(temporary.c_str());
    throw failure(error);
  }
}

}  // namespace jobstream::detail
