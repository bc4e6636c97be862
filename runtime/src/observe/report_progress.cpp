#include "observe/report_progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "observe/report_text.hpp"

namespace jobstream::detail {
namespace {

constexpr int kPanelHeight = 110;
constexpr int kPanelPitch = kPanelHeight + 40;  // room for the next panel's title

struct Point {
  double x = 0;
  double value = 0;
};

// One panel: its title, value axis, time grid, and `points` as a line over
// a light area down to zero.
std::string panelSvg(const std::string& title, int top, const char* colour,
                     const std::vector<Point>& points, const TimeScale& scale,
                     const TimeTicks& ticks) {
  const int plotTop = top + 18;
  const int plotBottom = plotTop + kPanelHeight;
  double max = 0;
  for (const Point& point : points) max = std::max(max, point.value);
  const ValueTicks values = valueTicks(max, 4);
  const auto y = [&](double value) { return plotBottom - value / values.top * kPanelHeight; };

  std::string out = fmt::format("<text class=\"paneltitle\" x=\"{}\" y=\"{}\">{}</text>\n",
                                kChartLeft, top + 10, title);
  std::string grid;
  for (int i = 0; values.step * i <= values.top * (1 + 1e-9); ++i) {
    const double value = values.step * i;
    grid += fmt::format("M{} {}H{}", kChartLeft, svgNumber(y(value)), kChartLeft + kChartColumns);
    out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n",
                       kChartLeft - 8, svgNumber(y(value) + 4), compactNumber(value));
  }
  out += fmt::format("<path class=\"grid\" d=\"{}\"/>\n", grid);
  out += timeGridSvg(scale, ticks, plotTop, plotBottom);
  out += fmt::format("<path class=\"axis\" d=\"M{} {}H{}\"/>\n", kChartLeft, plotBottom,
                     kChartLeft + kChartColumns);
  if (points.empty()) return out;

  std::string line;
  for (const Point& point : points) {
    line += fmt::format("{}{} {}", line.empty() ? "M" : "L", svgNumber(point.x),
                        svgNumber(y(point.value)));
  }
  out +=
      fmt::format("<path fill=\"{}\" fill-opacity=\".15\" d=\"{}L{} {}L{} {}Z\"/>\n", colour, line,
                  svgNumber(points.back().x), plotBottom, svgNumber(points.front().x), plotBottom);
  out += fmt::format(
      "<path fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\" stroke-linejoin=\"round\" "
      "d=\"{}\"/>\n",
      colour, line);
  return out;
}

struct Event {
  std::int64_t at = 0;
  std::size_t rank = 0;
  std::uint64_t finished = 0;
  std::uint64_t waiting = 0;
};

// The longest usual gap between a rank's samples: rates over bins shorter
// than two of them would jump between zero and spikes.
double sampleInterval(const RunRecord& run) {
  double interval = 0;
  for (const RankRecord& rank : run.ranks) {
    if (rank.samples.size() < 2) continue;
    std::vector<std::int64_t> gaps;
    for (std::size_t i = 1; i < rank.samples.size(); ++i)
      gaps.push_back(rank.samples[i].at - rank.samples[i - 1].at);
    std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2),
                     gaps.end());
    interval = std::max(interval, static_cast<double>(gaps[gaps.size() / 2]));
  }
  return interval;
}

}  // namespace

std::string progressSvg(const RunRecord& run, const TimeScale& scale) {
  std::vector<Event> events;
  for (std::size_t r = 0; r < run.ranks.size(); ++r) {
    for (const Sample& sample : run.ranks[r].samples)
      events.push_back({sample.at, r, sample.finished, sample.waiting});
  }
  if (events.empty()) return {};
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.at < b.at; });

  // Each column: the run's total finished at its end, the most waiting in it.
  const auto columnOf = [&](std::int64_t t) {
    return std::clamp(static_cast<int>(std::floor(scale.column(t))), 0, kChartColumns - 1);
  };
  const int firstColumn = columnOf(events.front().at);
  const int lastColumn = columnOf(events.back().at);
  std::vector<double> finished(kChartColumns);
  std::vector<double> waiting(kChartColumns);
  std::vector<std::uint64_t> rankFinished(run.ranks.size());
  std::vector<std::uint64_t> rankWaiting(run.ranks.size());
  std::uint64_t totalFinished = 0;
  std::uint64_t totalWaiting = 0;
  std::size_t next = 0;
  for (int column = 0; column < kChartColumns; ++column) {
    std::uint64_t most = totalWaiting;
    while (next < events.size() && (columnOf(events[next].at) <= column)) {
      const Event& event = events[next++];
      totalFinished += event.finished - rankFinished[event.rank];
      totalWaiting += event.waiting - rankWaiting[event.rank];
      rankFinished[event.rank] = event.finished;
      rankWaiting[event.rank] = event.waiting;
      most = std::max(most, totalWaiting);
    }
    finished[static_cast<std::size_t>(column)] = static_cast<double>(totalFinished);
    waiting[static_cast<std::size_t>(column)] = static_cast<double>(most);
  }

  std::vector<Point> finishedLine;
  std::vector<Point> waitingLine;
  for (int column = firstColumn; column <= lastColumn; ++column) {
    const auto c = static_cast<std::size_t>(column);
    finishedLine.push_back({kChartLeft + column + 1.0, finished[c]});
    waitingLine.push_back({kChartLeft + column + 0.5, waiting[c]});
  }
  // The rate over bins of whole columns, drawn as steps; a bin starts after
  // the first sample's column so that it has a total to start from.
  const int binColumns =
      std::clamp(static_cast<int>(std::ceil(2 * sampleInterval(run) / scale.columnNs())), 5,
                 kChartColumns / 8);
  const double binSeconds = binColumns * scale.columnNs() / 1e9;
  std::vector<Point> rateLine;
  for (int from = (firstColumn / binColumns + 1) * binColumns; from + binColumns - 1 <= lastColumn;
       from += binColumns) {
    const double gained = finished[static_cast<std::size_t>(from + binColumns - 1)] -
                          finished[static_cast<std::size_t>(from - 1)];
    const double rate = std::max(gained, 0.0) / binSeconds;
    rateLine.push_back({double{kChartLeft} + from, rate});
    rateLine.push_back({double{kChartLeft} + from + binColumns, rate});
  }

  const TimeTicks ticks = timeTicks(scale, 10);
  const int height = 2 * kPanelPitch + kPanelHeight + 18 + 24;
  std::string svg = fmt::format(
      "<svg class=\"chart progress\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" height=\"{1}\" "
      "role=\"img\" "
      "aria-label=\"items finished, finishing rate and items waiting over time\">\n",
      kChartWidth, height);
  svg += panelSvg(
      fmt::format("items finished, all ranks ({} in the last sample)", groupedCount(totalFinished)),
      0, "#4e79a7", finishedLine, scale, ticks);
  svg += panelSvg(
      fmt::format("items finished per second (over {} bins)", humanDuration(binSeconds * 1e9)),
      kPanelPitch, "#59a14f", rateLine, scale, ticks);
  svg += panelSvg("items waiting in queues, all ranks (the most in each pixel column)",
                  2 * kPanelPitch, "#f28e2b", waitingLine, scale, ticks);
  svg += timeLabelsSvg(scale, ticks, 2 * kPanelPitch + 18 + kPanelHeight + 16);
  svg += "</svg>\n";
  return svg;
}

}  // namespace jobstream::detail
