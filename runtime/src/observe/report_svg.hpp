// What the --report page's charts and tables share: one horizontal time
// scale (so the timeline and the items chart line up, column for column),
// its ticks in human units, the stages' names and colours, and which ranks
// were heard from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "observe/record.hpp"

namespace jobstream::detail {

// Every chart is this wide in SVG units; the page scales it to the window.
inline constexpr int kChartWidth = 1200;
// The left part holds row and axis labels; time runs over the rest, one SVG
// unit per "pixel column" into which short spans are summed.
inline constexpr int kChartLeft = 190;
inline constexpr int kChartColumns = 970;  // and 40 on the right for the last time label

inline constexpr const char* kCommunicationColour = "#34344a";
inline constexpr const char* kWaitColour = "#e4e4e4";

// A rank that sent anything: one that did not gets a "no data" row and is
// named in the summary.
bool heardFrom(const RankRecord& rank);
// The ranks of the run, whether heard from or not.
std::size_t rankCount(const RunRecord& run);

// The stages to show: the pipeline's, or more if a rank counted more.
std::size_t stageCount(const RunRecord& run);
// As the user wrote it, or "stage N" for one the pipeline does not name.
std::string stageName(const RunRecord& run, std::size_t index);

// Stage `index`'s colour: a palette whose neighbours are easy to tell apart,
// then hues spread by the golden angle for pipelines with more stages.
std::string stageColour(std::size_t index);

// Time [begin, end) in ns onto x in [kChartLeft, kChartLeft + kChartColumns).
struct TimeScale {
  std::int64_t begin = 0;
  std::int64_t end = 1;

  double columnNs() const { return static_cast<double>(end - begin) / kChartColumns; }
  // The position in columns from the left of the plot, unclamped.
  double column(std::int64_t t) const { return static_cast<double>(t - begin) / columnNs(); }
  double x(std::int64_t t) const { return kChartLeft + column(t); }
};

// From rank 0's start to the last moment anything in the record happened.
TimeScale runTimeScale(const RunRecord& run);

// Ticks at round times ("every 10 min"), about `wanted` of them.
struct TimeTicks {
  std::int64_t step = 1;
  std::vector<std::int64_t> at;
};
TimeTicks timeTicks(const TimeScale& scale, int wanted);

// "0", "250 ms", "1.5 s", "40 s", "1 min 20 s", "30 min", "2 h 30 min": in the
// unit the step and the axis' length call for.
std::string timeTickLabel(std::int64_t t, std::int64_t step, std::int64_t axisEnd);

// Light vertical grid lines at the ticks from `top` to `bottom`, and the
// tick labels at `labelY` (baseline), as SVG elements.
std::string timeGridSvg(const TimeScale& scale, const TimeTicks& ticks, int top, int bottom);
std::string timeLabelsSvg(const TimeScale& scale, const TimeTicks& ticks, int labelY);

// A value axis: round steps (1, 2, 5 x 10^k) covering [0, max], about
// `wanted` of them; `top` is the last tick, at or above `max`.
struct ValueTicks {
  double step = 1;
  double top = 1;
};
ValueTicks valueTicks(double max, int wanted);

// An SVG number: at most one decimal, no trailing ".0".
std::string svgNumber(double value);

}  // namespace jobstream::detail
