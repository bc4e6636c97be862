// reduce -> job -> reduce, with a reduce that recurs work into its scope.
//
// The first reduce counts down: every input x > 0 comes back as x - 1, and
// the reduction waits for all of it, so item k is counted k + 1 times
// (k, k-1, ..., 0). For items 1..300: 45,450 inputs summing to
// sum k(k+1)/2 = 300*301*302/6 = 4,545,100. A job fans that total out into
// one item per input counted, and a second reduce counts them again.
#include <jobstream/jobstream.hpp>

#include <cstdint>
#include <iostream>
#include <span>
#include <string>

namespace reduce_chain {

struct Tally {
  std::int64_t inputs = 0;
  std::int64_t sum = 0;
};

[[jobstream::init]]
jobstream::Multiple<int> numbers() {
  jobstream::Multiple<int> out;
  for (int k = 1; k <= 300; ++k) out.push_back(k);
  return out;
}

[[jobstream::reduce]]
jobstream::Multiple<int> countDown(Tally& store, std::span<const int> inputs, std::span<const Tally> others) {
  jobstream::Multiple<int> again;
  for (int x : inputs) {
    ++store.inputs;
    store.sum += x;
    if (x > 0) again.push_back(x - 1);
  }
  for (const Tally& o : others) {
    store.inputs += o.inputs;
    store.sum += o.sum;
  }
  return again;
}

[[jobstream::job]]
jobstream::Multiple<std::int64_t> fanOut(const Tally& first) {
  std::cout << "first: inputs=" + std::to_string(first.inputs) + " sum=" + std::to_string(first.sum) + "\n";
  return jobstream::Multiple<std::int64_t>(static_cast<std::size_t>(first.inputs), 1);
}

[[jobstream::reduce]]
void countAgain(std::int64_t& count, std::span<const std::int64_t> inputs, std::span<const std::int64_t> others) {
  for (std::int64_t x : inputs) count += x;
  for (std::int64_t o : others) count += o;
}

[[jobstream::emit]]
std::string second(const std::int64_t& count) { return "second: " + std::to_string(count); }

}  // namespace reduce_chain
