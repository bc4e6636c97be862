#include "observe/report_tables.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "observe/report_svg.hpp"
#include "observe/report_text.hpp"

namespace jobstream::detail {
namespace {

// "2024-05-01 12:44:56": when, by the wall clock, something `ns` after the
// start happened, to match against other logs.
std::string wallClock(const RunRecord& run, std::int64_t ns) {
  if (run.startedAtUnixMs == 0) return "—";
  const std::string text = utcTime(run.startedAtUnixMs + ns / 1'000'000);
  return text.substr(0, text.size() - std::string_view(" UTC").size());
}

}  // namespace

void writeStageTable(const RunRecord& run, std::string& page) {
  page += "<section id=\"stages\">\n<h2>Stages</h2>\n";
  const std::size_t stages = stageCount(run);
  if (stages == 0) {
    page += "<p>The record names no stages.</p>\n</section>\n";
    return;
  }
  std::vector<StageTally> sums(stages);
  for (const RankRecord& rank : run.ranks) {
    for (std::size_t i = 0; i < rank.stages.size(); ++i) {
      const StageTally& tally = rank.stages[i];
      sums[i].calls += tally.calls;
      sums[i].itemsIn += tally.itemsIn;
      sums[i].itemsOut += tally.itemsOut;
      sums[i].wallNs += tally.wallNs;
      sums[i].cpuNs += tally.cpuNs;
    }
  }
  StageTally total;
  for (const StageTally& sum : sums) {
    total.calls += sum.calls;
    total.wallNs += sum.wallNs;
    total.cpuNs += sum.cpuNs;
  }
  // CPU time is 0 where it was not measured: a dash, not "0 ns".
  const auto cpuCell = [](const StageTally& tally) {
    if (tally.cpuNs == 0) return std::string("—");
    return fmt::format(
        "{} <span class=\"muted\">({:.0f}%)</span>",
        humanDuration(static_cast<double>(tally.cpuNs)),
        percentOf(static_cast<double>(tally.cpuNs), static_cast<double>(tally.wallNs)));
  };
  page +=
      "<table>\n<thead><tr><th>Stage</th><th>Kind</th><th class=\"num\">Calls</th><th "
      "class=\"num\">Items in</th>"
      "<th class=\"num\">Items out</th><th class=\"num\">Time in user code</th><th "
      "class=\"num\">CPU time</th>"
      "<th class=\"num\">Share of user time</th><th class=\"num\">Per "
      "item</th></tr></thead>\n<tbody>\n";
  for (std::size_t i = 0; i < stages; ++i) {
    const StageTally& sum = sums[i];
    const double share =
        percentOf(static_cast<double>(sum.wallNs), static_cast<double>(total.wallNs));
    page += fmt::format(
        "<tr><td class=\"name\"><span class=\"swatch\" "
        "style=\"background:{}\"></span>{}</td><td>{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td "
        "class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{:.1f}%<span class=\"bar\"><span "
        "style=\"width:{:.1f}%\">"
        "</span></span></td><td class=\"num\">{}</td></tr>\n",
        stageColour(i), htmlEscape(stageName(run, i)),
        htmlEscape(i < run.stages.size() ? run.stages[i].kind : ""), groupedCount(sum.calls),
        groupedCount(sum.itemsIn), groupedCount(sum.itemsOut),
        humanDuration(static_cast<double>(sum.wallNs)), cpuCell(sum), share, share,
        sum.itemsIn == 0
            ? std::string("—")
            : humanDuration(static_cast<double>(sum.wallNs) / static_cast<double>(sum.itemsIn)));
  }
  page += fmt::format(
      "<tr class=\"total\"><td>All stages</td><td></td><td class=\"num\">{}</td><td></td><td></td>"
      "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">100%<span "
      "class=\"bar\"><span "
      "style=\"width:100%\"></span></span></td><td></td></tr>\n</tbody>\n</table>\n",
      groupedCount(total.calls), humanDuration(static_cast<double>(total.wallNs)), cpuCell(total));
  page +=
      "<p class=\"muted\">Summed over every thread of every rank. <em>Time in user code</em> is "
      "wall time inside the "
      "stage's calls; <em>CPU time</em> the CPU time meanwhile (in brackets, of the wall time); "
      "<em>share</em> of "
      "the time all stages spent in user code; <em>per item</em> the time in user code over the "
      "items in.</p>\n"
      "</section>\n";
}

void writeCheckpointTable(const RunRecord& run, std::string& page) {
  page += "<section id=\"checkpoints\">\n<h2>Checkpoints</h2>\n";
  const RankRecord* zero = run.ranks.empty() ? nullptr : &run.ranks.front();
  if (zero == nullptr || zero->checkpoints.empty()) {
    page += "<p>No checkpoints were taken.</p>\n</section>\n";
    return;
  }
  const std::vector<CheckpointMark>& marks = zero->checkpoints;
  std::int64_t paused = 0;
  std::size_t written = 0;
  for (const CheckpointMark& mark : marks) {
    paused += mark.pauseNs;
    written += mark.writtenAt >= 0 ? 1 : 0;
  }
  page += fmt::format(
      "<p>{} checkpoint{} ({} written). Work paused for {} in all, {:.2f}% of the run; the hatched "
      "bands of the "
      "timeline.</p>\n",
      marks.size(), marks.size() == 1 ? "" : "s", written,
      humanDuration(static_cast<double>(paused)),
      percentOf(static_cast<double>(paused), static_cast<double>(zero->wallNs)));
  page +=
      "<table class=\"compact\">\n<thead><tr><th class=\"num\">#</th><th "
      "class=\"num\">Started</th><th>At (UTC)</th>"
      "<th class=\"num\">Pause</th><th class=\"num\">Written</th><th "
      "class=\"num\">Size</th></tr></thead>\n<tbody>\n";
  // A run checkpointing every second would make a table nobody reads: its
  // start and its end.
  constexpr std::size_t kEnds = 50;
  for (std::size_t i = 0; i < marks.size(); ++i) {
    if (marks.size() > 2 * kEnds && i == kEnds) {
      page += fmt::format("<tr class=\"gap\"><td colspan=\"6\">… {} more …</td></tr>\n",
                          marks.size() - 2 * kEnds);
      i = marks.size() - kEnds;
    }
    const CheckpointMark& mark = marks[i];
    const bool done = mark.writtenAt >= 0;
    page += fmt::format(
        "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
        i + 1, humanDuration(static_cast<double>(mark.start)), wallClock(run, mark.start),
        humanDuration(static_cast<double>(mark.pauseNs)),
        done ? humanDuration(static_cast<double>(mark.writtenAt - mark.start)) + " later"
             : std::string("no: the run ended first"),
        done ? humanBytes(mark.bytes) : std::string("—"));
  }
  page += "</tbody>\n</table>\n</section>\n";
}

void writeFrameTable(const RunRecord& run, const TimeScale& scale, std::string& page) {
  page += "<section id=\"frames\">\n<h2>Frame instances</h2>\n";
  struct Instance {
    const FrameSpan* frame;
    int rank;
    std::int64_t length;
  };
  std::vector<Instance> instances;
  std::vector<std::int64_t> lengths;  // of those over
  std::uint64_t dropped = 0;
  for (const RankRecord& rank : run.ranks) {
    dropped += rank.framesDropped;
    for (const FrameSpan& frame : rank.frames) {
      const bool over = frame.end >= 0;
      instances.push_back({&frame, rank.rank, (over ? frame.end : scale.end) - frame.start});
      if (over) lengths.push_back(frame.end - frame.start);
    }
  }
  if (instances.empty() && dropped == 0) {
    page += "<p>No frame instances.</p>\n</section>\n";
    return;
  }
  page += fmt::format("<p>{} frame instance{} recorded", groupedCount(instances.size()),
                      instances.size() == 1 ? "" : "s");
  if (instances.size() != lengths.size()) {
    page += fmt::format(" ({} not over when the record was taken)",
                        groupedCount(instances.size() - lengths.size()));
  }
  if (dropped > 0)
    page += fmt::format("; {} more not recorded, over the record's cap", groupedCount(dropped));
  page += ".";
  if (!lengths.empty()) {
    double sum = 0;
    for (const std::int64_t length : lengths) sum += static_cast<double>(length);
    const auto middle = lengths.begin() + static_cast<std::ptrdiff_t>(lengths.size() / 2);
    std::nth_element(lengths.begin(), middle, lengths.end());
    page += fmt::format(" Those over lasted {} on average, {} for the median one.",
                        humanDuration(sum / static_cast<double>(lengths.size())),
                        humanDuration(static_cast<double>(*middle)));
  }
  page += "</p>\n";
  if (instances.empty()) {
    page += "</section>\n";
    return;
  }
  constexpr std::size_t kLongest = 5;
  const std::size_t shown = std::min(kLongest, instances.size());
  std::partial_sort(instances.begin(), instances.begin() + static_cast<std::ptrdiff_t>(shown),
                    instances.end(),
                    [](const Instance& a, const Instance& b) { return a.length > b.length; });
  page += fmt::format(
      "<table class=\"compact\">\n<caption>The longest {}</caption>\n<thead><tr><th "
      "class=\"num\">Instance</th>"
      "<th>Stage</th><th class=\"num\">Home rank</th><th class=\"num\">Started</th><th "
      "class=\"num\">Lasted</th>"
      "</tr></thead>\n<tbody>\n",
      shown);
  for (std::size_t i = 0; i < shown; ++i) {
    const Instance& instance = instances[i];
    const bool over = instance.frame->end >= 0;
    page += fmt::format(
        "<tr><td class=\"num\">{}</td><td class=\"name\">{}</td><td class=\"num\">{}</td><td "
        "class=\"num\">{}</td>"
        "<td class=\"num\">{}{}</td></tr>\n",
        instance.frame->id, htmlEscape(stageName(run, instance.frame->stage)), instance.rank,
        humanDuration(static_cast<double>(instance.frame->start)), over ? "" : "at least ",
        humanDuration(static_cast<double>(instance.length)));
  }
  page += "</tbody>\n</table>\n</section>\n";
}

}  // namespace jobstream::detail
