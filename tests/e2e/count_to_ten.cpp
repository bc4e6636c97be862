// job_stream's example3: named jobs whose labelled routes make a loop,
// getToTen sending values under 10 back through addOne and the others to the
// output. jobstream has no labelled routes; the loop is a frame whose header
// is the test. 1 and 8 count up to 10, 12 leaves at once. The original checked
// the order 12, 10, 10; items are not ordered across a pipeline here, so the
// lines are compared as a multiset.
#include <jobstream/jobstream.hpp>

#include <optional>

namespace count_to_ten {

struct Counter {
  bool started = false;
  int value = 0;
};

[[jobstream::frame]]
std::optional<int> getToTen(Counter& counter, const int& first) {
  if (!counter.started) {
    counter.started = true;
    counter.value = first;
  }
  if (counter.value < 10) return counter.value;  // keep going
  return std::nullopt;                            // done
}

[[jobstream::job]]
int addOne(int x) { return x + 1; }

[[jobstream::frame_end]]
void checkValue(Counter& counter, int value) { counter.value = value; }

[[jobstream::emit]]
int value(const Counter& counter) { return counter.value; }

}  // namespace count_to_ten
