// One item fans out into many slow ones on rank 0: idle ranks must take
// work from it, so every rank ends up doing some.
#include <jobstream/jobstream.hpp>

#include <chrono>
#include <iostream>
#include <set>
#include <thread>
#include <vector>

namespace spread {

[[jobstream::init]]
int seed() { return 400; }

[[jobstream::job]]
jobstream::Multiple<int> fan(int n) {
  jobstream::Multiple<int> out;
  for (int i = 0; i < n; ++i) out.push_back(i);
  return out;
}

[[jobstream::job]]
int work(int) {
  std::this_thread::sleep_for(std::chrono::milliseconds(3));
  return jobstream::rank();
}

[[jobstream::finish]]
void ranks(std::vector<int> seen) {
  for (int rank : std::set<int>(seen.begin(), seen.end())) std::cout << "rank=" << rank << '\n';
  std::cout << "items=" << seen.size() << '\n';
}

}  // namespace spread
