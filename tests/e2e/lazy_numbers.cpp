// jobstream::Lazy end to end: two inits whose items are drawn as workers
// need them, a view (iota) and a generator, summed by a top-level reduce.
// One line says how many items arrived, their sum and the sum of their
// squares: an item lost or run twice, also by a resume from a checkpoint
// taken with the sources partly drawn (fault_test.py), changes it.
//
// LAZY_NUMBERS_ITEMS (default 200000) sets the view's length and
// LAZY_NUMBERS_MICROS (default 0) how long each item takes, so that one
// program serves the plain runs and the runs that are killed.
#include <jobstream/jobstream.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <thread>

namespace lazy_numbers {

std::int64_t setting(const char* name, std::int64_t fallback) {
  const char* text = std::getenv(name);
  return text ? std::stoll(text) : fallback;
}

struct Tally {
  std::int64_t items = 0;
  std::int64_t sum = 0;
  std::int64_t squares = 0;
};

// 0, 1, ..., N-1.
[[jobstream::init]]
jobstream::Lazy<std::int64_t> numbers() {
  return jobstream::Lazy(std::views::iota(std::int64_t{0}, setting("LAZY_NUMBERS_ITEMS", 200000)));
}

// The odd numbers below 2000, from a callable.
[[jobstream::init]]
jobstream::Lazy<std::int64_t> odd() {
  return jobstream::Lazy([next = std::int64_t{1}]() mutable -> std::optional<std::int64_t> {
    if (next >= 2000) return std::nullopt;
    const std::int64_t item = next;
    next += 2;
    return item;
  });
}

[[jobstream::job]]
std::int64_t weigh(std::int64_t x) {
  static const std::int64_t micros = setting("LAZY_NUMBERS_MICROS", 0);
  if (micros != 0) std::this_thread::sleep_for(std::chrono::microseconds(micros));
  return x;
}

[[jobstream::reduce]]
void add(Tally& tally, std::span<const std::int64_t> inputs, std::span<const Tally> others) {
  for (const std::int64_t x : inputs) {
    ++tally.items;
    tally.sum += x;
    tally.squares += x * x;
  }
  for (const Tally& other : others) {
    tally.items += other.items;
    tally.sum += other.sum;
    tally.squares += other.squares;
  }
}

[[jobstream::emit]]
std::string line(const Tally& tally) {
  return "items=" + std::to_string(tally.items) + " sum=" + std::to_string(tally.sum) +
         " squares=" + std::to_string(tally.squares);
}

}  // namespace lazy_numbers
