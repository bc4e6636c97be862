// A second source for group_two_pipelines.cpp: the same header's stage group
// spliced into a pipeline of its own.
#include "group_text.hpp"

namespace other {
using namespace lib::jobs_text;
[[jobstream::job]] double half(long n) { return static_cast<double>(n) / 2; }
}  // namespace other
