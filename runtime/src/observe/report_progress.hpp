// "Items finished over time" on the --report page: the run's total of items
// finished (each rank's latest Sample, summed), its rate, and the items
// waiting in queues, as three panels of one inline SVG under the same time
// scale as the timeline.
#pragma once

#include <string>

#include "observe/record.hpp"
#include "observe/report_svg.hpp"

namespace jobstream::detail {

// Empty when no rank took a sample.
std::string progressSvg(const RunRecord& run, const TimeScale& scale);

}  // namespace jobstream::detail
