// A Make-style depfile for the generated file, so that a build regenerates it
// when a source or any header it includes changes. (ClangTool drops -MD/-MF.)
#pragma once

#include <iosfwd>
#include <set>
#include <string>
#include <vector>

namespace jsgen {

// Writes `target: sources... headers...`, one file per line, sources first in
// command-line order and the other dependencies sorted.
void writeDepfile(const std::string& target, const std::vector<std::string>& sources,
                  const std::set<std::string>& dependencies, std::ostream& out);

}  // namespace jsgen
