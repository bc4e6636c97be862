// For each number n given on the command line, the sum 1 + 2 + ... + n,
// computed with a frame: job_stream's `sumThrough` example.
//
//   ./sum_through 4 5 8       # prints 4: 10, 5: 15 and 8: 36, in any order
//
// A frame is a parallel while loop, one per item that enters it (a "frame
// instance", with a store of its own). The frame function is the loop's
// header: it runs when the item enters and again each time all the work the
// instance sent through the body has finished; what it returns goes through
// the body, and returning nothing ends the loop. frame_end is where each item
// that went through the body comes back to the instance's store. Stages
// between them (here countTo) are the loop's body and run in parallel.
#include <jobstream/jobstream.hpp>

#include <iostream>
#include <optional>

namespace sum_through {

struct Sum {  // one per frame instance, value-initialised when the item enters
  int first = 0;
  int value = 0;
  bool started = false;
};

[[jobstream::frame]]
std::optional<int> sumThrough(Sum& store, const int& first) {
  if (store.started) return std::nullopt;  // second call: the body's work is done
  store = {first, 0, true};
  return first;  // one item into the body
}

[[jobstream::job]]  // the body: n becomes the items 1, 2, ..., n
jobstream::Multiple<int> countTo(int n) {
  jobstream::Multiple<int> out;
  for (int i = 1; i <= n; ++i) out.push_back(i);
  return out;
}

[[jobstream::frame_end]]  // one call per item 1..n, one at a time per instance
void handleNext(Sum& store, int next) { store.value += next; }

// When the frame returns nothing, its store leaves the frame: one per number.
[[jobstream::result]]
void printMatchup(const Sum& s) { std::cout << s.first << ": " << s.value << '\n'; }

}  // namespace sum_through
