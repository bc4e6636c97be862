// The --report page: one self-contained HTML file about a run, for reading
// after the fact, offline (contract, section 4). Everything is inline: the
// style, the charts (SVG); no script, font or image from anywhere, so it
// opens on a laptop on a train and prints as it shows.
//
// From the top: the summary (and the error of a failed run, and which
// ranks' data is partial or missing), the --stats lines explained, a table
// of the stages, the timeline of every rank's threads, items finished over
// time, the checkpoints taken, and the frame instances.
#pragma once

#include <ostream>
#include <string>

#include "observe/record.hpp"

namespace jobstream::detail {

void writeReport(const RunRecord& run, std::ostream& out);

// Writes `path` + ".tmp", then renames it over `path`, so a reader never
// sees half a page. Throws std::runtime_error naming the file and the
// system's reason when it cannot.
void writeReportFile(const RunRecord& run, const std::string& path);

}  // namespace jobstream::detail
