// Items from standard input, checkpointed: a resumed run must not read its
// input again (tests/e2e/refusal_test.py gives the resumed run other input
// and expects the sum of the first).
#include <jobstream/jobstream.hpp>

#include <chrono>
#include <cstdint>
#include <span>
#include <thread>

namespace checkpoint_stdin {

[[jobstream::job]]
std::int64_t slow(std::int64_t x) {
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return x;
}

[[jobstream::reduce]]
void total(std::int64_t& sum, std::span<const std::int64_t> in, std::span<const std::int64_t> others) {
  for (std::int64_t x : in) sum += x;
  for (std::int64_t x : others) sum += x;
}

}  // namespace checkpoint_stdin
