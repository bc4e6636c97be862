// The bookkeeping behind reductions and frames, without ranks: counters per
// scope key, and the tracker that decides from wave sums when a region is over.
#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>
#include <vector>

#include "termination/scope_tracker.hpp"
#include "scope_pipelines.hpp"

namespace jstest {
namespace {

using namespace scoped;

TEST(KeyedCounters, RetiringDropsExactlyTheRetiredKeys) {
  KeyedCounters counters;
  for (std::uint32_t gen = 0; gen != 2; ++gen)
    for (std::uint32_t region = 0; region != 3; ++region) counters.created(ScopeKey{5, gen, region}, 1);
  counters.created(ScopeKey{9, 0, 0}, 1);
  counters.created(ScopeKey{0, 0, 0}, 1);
  counters.retire({Retire{5, 1, 1}, Retire{9, Retire::kAllGens, 0}});
  CountsMap left;
  counters.addTo(left);
  std::vector<std::tuple<std::uint64_t, std::uint32_t, std::uint32_t>> keys;
  for (const auto& [key, counts] : left) keys.emplace_back(key.scope, key.gen, key.region);
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::tuple<std::uint64_t, std::uint32_t, std::uint32_t>>{
                      {0, 0, 0}, {5, 0, 0}, {5, 0, 1}, {5, 0, 2}, {5, 1, 2}}));
  EXPECT_EQ(counters.total().created, 8u);  // totals are what was ever counted
}

TEST(ScopeTracker, TopLevelWithoutReducesEndsOnTheFirstQuietPair) {
  ScopeTracker tracker(mean::pipeline);
  CountsMap sums;
  sums[ScopeKey{0, 0, 0}] = Counts{10, 4};
  Actions actions = tracker.evaluate(1, sums);
  EXPECT_TRUE(actions.fires.empty());
  sums[ScopeKey{0, 0, 0}] = Counts{10, 10};
  // F_1 = 4 != C_2 = 10: not yet, even though this wave looks quiet.
  actions = tracker.evaluate(2, sums);
  EXPECT_TRUE(actions.fires.empty());
  actions = tracker.evaluate(3, sums);
  ASSERT_EQ(actions.fires.size(), 1u);
  EXPECT_EQ(actions.fires[0].reduce, 1u);
  EXPECT_FALSE(tracker.done());
  tracker.fired(actions.fires[0], false, 4);
  sums[ScopeKey{0, 0, 1}] = Counts{1, 0};  // what the reduce emitted
  // The wave that carried the fire cannot judge the next region.
  actions = tracker.evaluate(4, sums);
  EXPECT_FALSE(tracker.done());
  ASSERT_EQ(actions.retires.size(), 1u);
  sums.erase(ScopeKey{0, 0, 0});
  sums[ScopeKey{0, 0, 1}] = Counts{1, 1};
  tracker.evaluate(5, sums);
  EXPECT_FALSE(tracker.done());
  tracker.evaluate(6, sums);
  EXPECT_TRUE(tracker.done());
}

}  // namespace
}  // namespace jstest
