// A top-level reduce closes one reduction for the whole run, which emits
// exactly once, even when no item reaches it: then with a value-initialised
// store (members without initialisers are zero). Only negative items get
// through, so items 1 2 3, or no items at all, give "items=0 sum=0" once;
// -1 2 -3 give "items=2 sum=-4" once.
#include <jobstream/jobstream.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace empty_reduce {

struct Tally {
  std::int64_t items;
  std::int64_t sum;
};

[[jobstream::job]]
std::optional<int> keepNegative(int x) {
  if (x < 0) return x;
  return std::nullopt;
}

[[jobstream::reduce]]
void tally(Tally& store, std::span<const int> inputs, std::span<const Tally> others) {
  for (int x : inputs) {
    ++store.items;
    store.sum += x;
  }
  for (const Tally& o : others) {
    store.items += o.items;
    store.sum += o.sum;
  }
}

[[jobstream::emit]]
std::string report(const Tally& store) {
  return "items=" + std::to_string(store.items) + " sum=" + std::to_string(store.sum);
}

}  // namespace empty_reduce
