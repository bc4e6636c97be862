// The --report page's sweep section: for each sweep function, what ran
// (combinations, trials), a chart per outcome column of the combinations'
// means with their 95% error bars against a parameter, and a table of the
// rows. Points come from every rank in no order; the section orders them by
// their parameters, as the sweep's table does.
#pragma once

#include <string>

#include "observe/record.hpp"

namespace jobstream::detail {

// Whether any rank recorded a finished combination: the page has a sweep
// section (and a link to it) only then.
bool hasSweepPoints(const RunRecord& run);

// Appends <section id="sweep"> to `page`, or nothing without points.
void writeSweepSection(const RunRecord& run, std::string& page);

}  // namespace jobstream::detail
