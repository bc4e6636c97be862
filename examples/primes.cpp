// Counts the primes in each range of numbers given on the command line:
//
//   ./primes 0-1000000 1000000-2000000        # one process, all cores
//   mpirun -np 4 ./primes 0-1000000 ...       # four ranks
//
// Each ITEM is parsed into the first stage's input type with operator>>.
#include <jobstream/jobstream.hpp>

#include <cstdint>
#include <istream>
#include <ostream>

namespace primes {

struct Range {  // the numbers first, first + 1, ..., last - 1
  std::int64_t first = 0;
  std::int64_t last = 0;
};

std::istream& operator>>(std::istream& in, Range& range) {
  char dash = 0;
  if (in >> range.first >> dash >> range.last && (dash != '-' || range.last < range.first)) {
    in.setstate(std::ios::failbit);
  }
  return in;
}

struct Count {
  Range range;
  std::int64_t primes = 0;
};

std::ostream& operator<<(std::ostream& out, const Count& count) {
  return out << count.range.first << '-' << count.range.last << ": " << count.primes << " primes";
}

bool isPrime(std::int64_t n) {
  if (n < 2) return false;
  if (n % 2 == 0) return n == 2;
  for (std::int64_t d = 3; d * d <= n; d += 2) {
    if (n % d == 0) return false;
  }
  return true;
}

[[jobstream::job]]
Count count(const Range& range) {
  Count result{range, 0};
  for (std::int64_t n = range.first; n < range.last; ++n) result.primes += isPrime(n) ? 1 : 0;
  return result;
}

}  // namespace primes
