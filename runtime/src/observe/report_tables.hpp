// The tables of the --report page, each appended to `page` as a <section>:
// the stages (one row per stage, in pipeline order, and the totals), the
// checkpoints rank 0 took, and the frame instances (how many, the longest).
#pragma once

#include <string>

#include "observe/record.hpp"
#include "observe/report_svg.hpp"

namespace jobstream::detail {

void writeStageTable(const RunRecord& run, std::string& page);
void writeCheckpointTable(const RunRecord& run, std::string& page);
// `scale`: where the run ends, for instances not over by then.
void writeFrameTable(const RunRecord& run, const TimeScale& scale, std::string& page);

}  // namespace jobstream::detail
