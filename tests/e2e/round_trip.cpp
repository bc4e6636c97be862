// Every kind of type jsgen serialises, through the transport: items of
// round_trip::Everything are made on one rank, checked (slowly, one call at a
// time per rank, so that idle ranks take queued items) on any rank, and
// collected in a reduce whose partial stores merge across ranks. The result
// on rank 0 compares each item with a fresh make(i) and prints the ranks
// that checked items ("rank=R": run_case.py --ranks-seen wants every rank),
// so every item checked elsewhere came back through serialisation.
#include "round_trip.hpp"

#include <jobstream/jobstream.hpp>

#include <chrono>
#include <iostream>
#include <map>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>

namespace round_trip {

constexpr int kItems = 200;

struct Tally {
  std::map<int, Everything> items;
  int duplicates = 0;
};

[[jobstream::init]]
jobstream::Multiple<int> indices() {
  jobstream::Multiple<int> out;
  for (int i = 0; i != kItems; ++i) out.push_back(i);
  return out;
}

[[jobstream::job]]
Everything build(int i) { return make(i); }

// Not fused with build: its items wait in the queue, where other ranks take them.
[[jobstream::job, jobstream::not_thread_safe]]
Everything check(Everything item) {
  const std::string differs = firstDifference(item, make(item.index));
  if (!differs.empty())
    throw std::runtime_error("item " + std::to_string(item.index) + " changed on its way, first in '" + differs +
                             "'");
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  item.checkedOn = jobstream::rank();
  return item;
}

[[jobstream::reduce]]
void collect(Tally& tally, std::span<const Everything> items, std::span<const Tally> others) {
  const auto add = [&](const Everything& item) {
    if (!tally.items.emplace(item.index, item).second) ++tally.duplicates;
  };
  for (const Everything& item : items) add(item);
  for (const Tally& other : others) {
    tally.duplicates += other.duplicates;
    for (const auto& entry : other.items) add(entry.second);
  }
}

[[jobstream::result]]
void report(const Tally& tally) {
  std::set<int> ranks;
  int faithful = 0;
  for (const auto& [index, item] : tally.items) {
    Everything expected = make(index);
    expected.checkedOn = item.checkedOn;
    const std::string differs = firstDifference(item, expected);
    if (differs.empty()) {
      ++faithful;
    } else {
      std::cout << "item " << index << " differs after the trip, first in '" << differs << "'\n";
    }
    ranks.insert(item.checkedOn);
  }
  for (int rank : ranks) std::cout << "rank=" << rank << '\n';
  std::cout << "items=" << tally.items.size() << " faithful=" << faithful
            << " duplicates=" << tally.duplicates << '\n';
}

}  // namespace round_trip
