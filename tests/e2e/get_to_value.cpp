// job_stream's example4, reducer recurrence: the root reducer getToValue
// (value 100) over duplicate and addOne. Each input under 3 recurs a 3; when
// all work is done the reducer says "Maybe done at N" and, under 100, recurs
// its total. What runs "when all work is done" is a frame's header in
// jobstream, and what runs per input is its frame_end.
//
// From 1: 2 and 2 are added (each recurs 3, which comes back as 4 and 4):
// 2+2+4*4 = 20; 20 comes back as 21, 21: 62; 62 as 63, 63: 188, which leaves.
// The original checked only the last line (188); every line here is
// determined, so all of them are compared.
#include <jobstream/jobstream.hpp>

#include <iostream>
#include <optional>
#include <string>

namespace get_to_value {

constexpr int kValue = 100;

struct Progress {
  bool started = false;
  int current = 0;
};

[[jobstream::frame]]
std::optional<int> getToValue(Progress& progress, const int& first) {
  if (!progress.started) {
    progress.started = true;
    return first;
  }
  std::cout << "Maybe done at " + std::to_string(progress.current) + "\n";
  if (progress.current >= kValue) return std::nullopt;
  return progress.current;  // not really done: the total goes round again
}

[[jobstream::job]]
jobstream::Multiple<int> duplicate(int x) { return {x, x}; }

[[jobstream::job]]
int addOne(int x) { return x + 1; }

[[jobstream::frame_end]]
std::optional<int> add(Progress& progress, int work) {
  std::cout << "Adding " + std::to_string(work) + "\n";
  progress.current += work;
  if (work < 3) return 3;
  return std::nullopt;
}

[[jobstream::emit]]
int total(const Progress& progress) { return progress.current; }

}  // namespace get_to_value
