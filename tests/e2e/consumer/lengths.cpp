#include <jobstream/jobstream.hpp>

#include <string>

namespace lengths {

[[jobstream::job]]
int length(const std::string& word) { return static_cast<int>(word.size()); }

}  // namespace lengths
