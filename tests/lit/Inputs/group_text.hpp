// A stage group for the group_* tests: words -> their lengths.
#pragma once

#include <jobstream/jobstream.hpp>

#include <string>

namespace lib::jobs_text {

[[jobstream::job]] int length(const std::string& word) { return static_cast<int>(word.size()); }

[[jobstream::job]] long twice(int n) { return 2L * n; }

}  // namespace lib::jobs_text
