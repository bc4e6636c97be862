// The pipeline the fault tests kill (tests/e2e/fault_test.py): reductions in
// frames, frames that recur, and a finish stage that collects every
// instance, slow enough that a run lives through several checkpoints.
//
// Instance n runs three rounds; round r sends r*1, ..., r*n through the
// body, which squares them (slowly), and the reduce in the body sums each
// round. finish checks every instance against r^2 * n(n+1)(2n+1)/6 and
// prints how many were wrong, and a digest of all the sums: any item lost
// or counted twice by a resume changes the line.
#include <jobstream/jobstream.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace checkpoint_fault {

constexpr int kInstances = 120;
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

// Slow on purpose (not CPU: the test machine may have 2 cores): about
// 22,000 calls of 200 us, some seconds on 2 ranks.
[[jobstream::job]]
std::int64_t square(std::int64_t x) {
  std::this_thread::sleep_for(std::chrono::microseconds(200));
  return x * x;
}

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
  std::int64_t digest = 0;
  for (const Instance& instance : all) {
    const std::int64_t n = instance.n;
    bool ok = instance.sums.size() == static_cast<std::size_t>(kRounds);
    std::int64_t total = 0;
    for (const RoundSum& s : instance.sums) total += s.sum;
    for (std::size_t r = 0; ok && r < instance.sums.size(); ++r) {
      const auto factor = static_cast<std::int64_t>((r + 1) * (r + 1));
      ok = instance.sums[r].inputs == n && instance.sums[r].sum == factor * n * (n + 1) * (2 * n + 1) / 6;
    }
    digest += n * total;
    if (!ok && ++wrong <= 5) {
      std::string got;
      for (const RoundSum& s : instance.sums) got += " " + std::to_string(s.inputs) + ":" + std::to_string(s.sum);
      std::cout << "wrong: n=" + std::to_string(n) + " rounds (inputs:sum)" + got + "\n";
    }
  }
  std::cout << "instances=" + std::to_string(all.size()) + " wrong=" + std::to_string(wrong) +
                   " digest=" + std::to_string(digest) + "\n";
}

}  // namespace checkpoint_fault
