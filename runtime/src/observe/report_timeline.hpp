// The timeline of the --report page: what every thread of every rank did over
// the run, as inline SVG of bounded size whatever the run's length, span
// count or rank count.
//
// Time is cut into kChartColumns pixel columns; each row sums the time its
// spans cover in each column, per stage, and draws the column in the colour
// of the stage that had most of it, as opaque as the row was busy. So a span
// shorter than a pixel still counts, and a row costs at most one segment per
// column. Up to kTimelineThreadRows rows the timeline has a row per worker
// thread and one per communication thread; past that, one row per rank's
// workers (its busy share: 0.5 is half of its workers busy) and a thin one
// for its communication thread.
#pragma once

#include <string>

#include "observe/record.hpp"
#include "observe/report_svg.hpp"

namespace jobstream::detail {

inline constexpr int kTimelineThreadRows = 256;

struct Timeline {
  std::string svg;
  bool perThread = true;  // false: a row per rank's workers
};

Timeline timelineSvg(const RunRecord& run, const TimeScale& scale);

}  // namespace jobstream::detail
