// job_stream's example5: the frame runExperiments recurs every character of
// its string as an int, addOne runs on each, and the mean of the results
// leaves the frame (integer division, as in the original). "abba" gives
// 394/4 = 98, "kadoodle" 843/8 = 105, "j" 107.
#include <jobstream/jobstream.hpp>

#include <string>
#include <vector>

namespace char_mean {

struct Experiments {
  bool started = false;
  std::vector<int> results;
};

[[jobstream::frame]]
jobstream::Multiple<int> runExperiments(Experiments& store, const std::string& first) {
  if (store.started) return {};
  store.started = true;
  jobstream::Multiple<int> out;
  for (char c : first) out.push_back(c);
  return out;
}

[[jobstream::job]]
int addOne(int x) { return x + 1; }

[[jobstream::frame_end]]
void handleNext(Experiments& store, int result) { store.results.push_back(result); }

[[jobstream::emit]]
int mean(const Experiments& store) {
  int sum = 0;
  for (int r : store.results) sum += r;
  return sum / static_cast<int>(store.results.size());
}

}  // namespace char_mean
