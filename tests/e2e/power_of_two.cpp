// job_stream.inline's frame test: the store starts at total = 1 (here a
// default member initialiser, kept by value-initialisation); while the total
// is under the item, the frame recurs `total` items that each come back as 1,
// doubling it. 3, 8 and 9 give 4, 8 and 16.
#include <jobstream/jobstream.hpp>

namespace power_of_two {

struct Power {
  int total = 1;
};

[[jobstream::frame]]
jobstream::Multiple<int> nextPowerOfTwo(Power& store, const int& first) {
  jobstream::Multiple<int> out;
  if (store.total < first)
    for (int i = 0; i < store.total; ++i) out.push_back(store.total);
  return out;
}

[[jobstream::job]]
int one(int) { return 1; }

[[jobstream::frame_end]]
void add(Power& store, int next) { store.total += next; }

[[jobstream::emit]]
int total(const Power& store) { return store.total; }

}  // namespace power_of_two
