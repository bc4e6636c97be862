// job_stream.inline's multiple test: Multiple built from a list, a tuple, a
// generator and a list with a None in it each add their items. In C++: braces,
// a std::vector returned as a Multiple, an iterator range, and a gap as an
// init that returns nothing (std::nullopt) beside one that returns 2 and 3.
// So 1 three times, 2 and 3 four times each.
#include <jobstream/jobstream.hpp>

#include <iostream>
#include <optional>
#include <ranges>
#include <string>
#include <vector>

namespace multiple {

[[jobstream::init]]
jobstream::Multiple<int> fromBraces() { return {1, 2, 3}; }

[[jobstream::init]]
jobstream::Multiple<int> fromVector() {
  std::vector<int> items{1, 2, 3};
  return items;
}

[[jobstream::init]]
jobstream::Multiple<int> fromRange() {
  auto numbers = std::views::iota(1, 4);
  return jobstream::Multiple<int>(numbers.begin(), numbers.end());
}

[[jobstream::init]]
std::optional<int> gap() { return std::nullopt; }

[[jobstream::init]]
jobstream::Multiple<int> afterGap() { return {2, 3}; }

[[jobstream::result]]
void printResult(int w) { std::cout << std::to_string(w) + "\n"; }

}  // namespace multiple
