// Several init stages add up; finish receives every item once, on rank 0.
#include <jobstream/jobstream.hpp>

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <numeric>
#include <vector>

namespace finish {

[[jobstream::init]]
std::int64_t zero() { return 0; }

[[jobstream::init]]
jobstream::Multiple<std::int64_t> numbers() {
  jobstream::Multiple<std::int64_t> out;
  for (std::int64_t i = 1; i <= 1000; ++i) out.push_back(i);
  return out;
}

[[jobstream::job]]
std::int64_t square(std::int64_t x) { return x * x; }

[[jobstream::finish]]
void summary(std::vector<std::int64_t> all) {
  std::sort(all.begin(), all.end());
  std::cout << "count=" << all.size() << '\n'
            << "sum=" << std::accumulate(all.begin(), all.end(), std::int64_t{0}) << '\n'
            << "first=" << all.front() << " last=" << all.back() << '\n'
            << "finish on rank " << jobstream::rank() << '\n';
}

}  // namespace finish
