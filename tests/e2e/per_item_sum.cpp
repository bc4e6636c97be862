// job_stream's example2: addOne, then a sub-module whose sum reducer starts a
// new reduction for every item entering it, over a job that duplicates. In
// jobstream a per-item reduction is a frame instance: 1, 2, 3 become 2, 3, 4,
// each duplicated and summed: 4, 6 and 8, in any order.
#include <jobstream/jobstream.hpp>

#include <optional>

namespace per_item_sum {

struct Sum {
  bool started = false;
  int total = 0;
};

[[jobstream::job]]
int addOne(int x) { return x + 1; }

// The item itself is the sub-module's only input; the instance ends once the
// work it started has been summed.
[[jobstream::frame]]
std::optional<int> module(Sum& store, const int& first) {
  if (store.started) return std::nullopt;
  store.started = true;
  return first;
}

[[jobstream::job]]
jobstream::Multiple<int> duplicate(int x) { return {x, x}; }

[[jobstream::frame_end]]
void sum(Sum& store, int next) { store.total += next; }

[[jobstream::emit]]
int total(const Sum& store) { return store.total; }

}  // namespace per_item_sum
