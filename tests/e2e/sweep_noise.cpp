// The contract's sweep (section 7): two parameters, two outcome columns,
// noisy trials whose noise sweep_check.py computes again in Python.
//
// Environment, for the tests: SWEEP_TRIAL_MS makes each trial take that many
// milliseconds of CPU (the fault test kills runs mid-sweep); SWEEP_THROW=1
// makes trial 7 of a=5.5, n=20 throw.
#include <jobstream/jobstream.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>

namespace noise {

struct Params {
  double a = 0;
  int n = 0;
};

struct Outcome {
  double value = 0;
  double cost = 0;
};

// splitmix64's finaliser: a well-mixed 64-bit hash of `x`.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Uniform in [-1, 1), from the key alone.
double symmetric(std::uint64_t key) { return static_cast<double>(mix(key) >> 11) * 0x1.0p-52 - 1.0; }

[[jobstream::init]]
jobstream::Multiple<Params> grid() {
  jobstream::Multiple<Params> out;
  for (int n : {20, 10})
    for (double a : {10.0, 1.0, 5.5}) out.push_back({a, n});
  return out;
}

[[jobstream::sweep]]
Outcome trial(const Params& p, std::uint64_t trial) {
  if (const char* ms = std::getenv("SWEEP_TRIAL_MS")) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::atoi(ms));
    while (std::chrono::steady_clock::now() < until) {
    }
  }
  if (std::getenv("SWEEP_THROW") && p.a == 5.5 && p.n == 20 && trial == 7) throw std::runtime_error("trial 7 failed");
  const std::uint64_t key = (static_cast<std::uint64_t>(p.a * 2) << 40) ^ (static_cast<std::uint64_t>(p.n) << 20) ^ trial;
  // value: a with noise of deviation 0.5 (uniform); cost: n with 5% noise.
  return {p.a + 0.5 * 1.7320508075688772 * symmetric(key), p.n * (1 + 0.05 * 1.7320508075688772 * symmetric(key ^ 0x5555))};
}

}  // namespace noise
