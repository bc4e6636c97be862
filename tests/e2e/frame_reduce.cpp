// A reduce inside a frame body reduces per frame instance, with 300 instances
// open at once, and a new reduction for each round the same instance recurs.
//
// Instance n runs three rounds; round r sends r*1, ..., r*n through the body,
// which squares them, and the reduce emits each round's sum exactly once,
// when that round's work is all done: r^2 * n(n+1)(2n+1)/6 over n inputs.
// finish checks every instance against that and prints how many were wrong.
#include <jobstream/jobstream.hpp>

#include <cstdint>
#include <iostream>
#include <span>
#include <string>
#include <vector>

namespace frame_reduce {

constexpr int kInstances = 300;
constexpr int kRounds = 3;

struct RoundSum {
  std::int64_t inputs = 0;
  std::int64_t sum = 0;
};

struct Instance {
  int n = 0;
  int rounds = 0;
  std::vector<RoundSum> sums;
};

[[jobstream::init]]
jobstream::Multiple<int> instances() {
  jobstream::Multiple<int> out;
  for (int n = 1; n <= kInstances; ++n) out.push_back(n);
  return out;
}

[[jobstream::frame]]
jobstream::Multiple<std::int64_t> round(Instance& instance, const int& n) {
  jobstream::Multiple<std::int64_t> out;
  if (instance.rounds == kRounds) return out;
  instance.n = n;
  const int r = ++instance.rounds;
  for (int i = 1; i <= n; ++i) out.push_back(std::int64_t{r} * i);
  return out;
}

[[jobstream::job]]
std::int64_t square(std::int64_t x) { return x * x; }

[[jobstream::reduce]]
void sum(RoundSum& store, std::span<const std::int64_t> inputs, std::span<const RoundSum> others) {
  for (std::int64_t x : inputs) {
    ++store.inputs;
    store.sum += x;
  }
  for (const RoundSum& o : others) {
    store.inputs += o.inputs;
    store.sum += o.sum;
  }
}

[[jobstream::frame_end]]
void collect(Instance& instance, const RoundSum& round) { instance.sums.push_back(round); }

[[jobstream::finish]]
void check(std::vector<Instance> all) {
  int wrong = 0;
  for (const Instance& instance : all) {
    const std::int64_t n = instance.n;
    bool ok = instance.sums.size() == static_cast<std::size_t>(kRounds);
    for (std::size_t r = 0; ok && r < instance.sums.size(); ++r) {
      const std::int64_t factor = static_cast<std::int64_t>((r + 1) * (r + 1));
      ok = instance.sums[r].inputs == n && instance.sums[r].sum == factor * n * (n + 1) * (2 * n + 1) / 6;
    }
    if (!ok && ++wrong <= 5) {
      std::string got;
      for (const RoundSum& s : instance.sums) got += " " + std::to_string(s.inputs) + ":" + std::to_string(s.sum);
      std::cout << "wrong: n=" + std::to_string(n) + " rounds (inputs:sum)" + got + "\n";
    }
  }
  std::cout << "instances=" + std::to_string(all.size()) + " wrong=" + std::to_string(wrong) + "\n";
}

}  // namespace frame_reduce
