// The seed's sumThrough frame: each item n starts its own frame instance,
// whose body counts 1..n and whose frame_end adds them up; when the instance
// is quiet the frame returns nothing and the store leaves. Items 4 5 8 give
// 4: 10, 5: 15 and 8: 36, in any order.
#include <jobstream/jobstream.hpp>

#include <iostream>
#include <optional>
#include <string>

namespace sums {

struct Sum {
  int first = 0;
  int value = 0;
  bool started = false;
};

// Called like a while loop's header: once when the item enters, then each
// time the work it recurred has finished.
[[jobstream::frame]]
std::optional<int> sumThrough(Sum& store, const int& first) {
  if (store.started) return std::nullopt;
  store = {first, 0, true};
  return first;
}

[[jobstream::job]]
jobstream::Multiple<int> countTo(int w) {
  jobstream::Multiple<int> out;
  for (int i = 1; i <= w; ++i) out.push_back(i);
  return out;
}

[[jobstream::frame_end]]
void handleNext(Sum& store, int next) { store.value += next; }

[[jobstream::result]]
void printMatchup(const Sum& s) {
  std::cout << std::to_string(s.first) + ": " + std::to_string(s.value) + "\n";
}

}  // namespace sums
