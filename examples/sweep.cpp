// A parameter sweep (job_stream's baked.sweep): a noisy measurement of three
// parameter values, each repeated until its mean is known to 10% (95%
// confidence), then one table row per value.
//
//   ./sweep                      the table on stdout
//   ./sweep --csv out.csv        ... and as CSV, numbers in full precision
//   ./sweep --trials 50          exactly 50 trials of each value
//   mpirun -np 4 ./sweep         the same table, trials spread over 4 ranks
#include <jobstream/jobstream.hpp>

#include <cstdint>
#include <random>

namespace noisy {

// The combinations: here one number each (the table's column `param`); a
// struct of several gives a column per member.
[[jobstream::init]]
jobstream::Multiple<double> params() { return {1.0, 5.5, 10.0}; }

// One trial: the parameter plus noise of deviation 0.5. The generator is
// seeded by the parameter and the trial's number, so that a trial gives the
// same outcome on any rank, and the table is the same on any number of them.
[[jobstream::sweep]]
double measure(const double& param, std::uint64_t trial) {
  std::seed_seq seed{static_cast<std::uint32_t>(param * 1000), static_cast<std::uint32_t>(trial)};
  std::mt19937_64 random(seed);
  return std::normal_distribution<double>(param, 0.5)(random);
}

}  // namespace noisy
