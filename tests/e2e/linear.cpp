// The linear stages: each return form (T, Multiple<T>, std::optional<T>), a
// tuple fanned out into a two-parameter job, and the default printer.
#include <jobstream/jobstream.hpp>

#include <optional>
#include <string>
#include <tuple>

namespace linear {

[[jobstream::job]]
int square(int x) { return x * x; }

[[jobstream::job]]
jobstream::Multiple<int> andNext(int x) { return {x, x + 1}; }

[[jobstream::job]]
std::optional<int> dropMultiplesOfThree(int x) {
  if (x % 3 == 0) return std::nullopt;
  return x;
}

[[jobstream::job]]
std::tuple<int, std::string> label(int x) { return {x, x % 2 == 0 ? "even" : "odd"}; }

[[jobstream::job]]
std::string describe(int n, const std::string& parity) {
  return std::to_string(n) + " is " + parity;
}

}  // namespace linear
