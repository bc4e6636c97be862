// jobstream::map's runtime (program/map.cpp, detail/map.hpp) over N loopback
// ranks in threads of this process: results in order, several calls in a
// row over one hub, empty items, and a function that throws, which ends the
// call in order on every rank (abandon/abandon.hpp) so that the next call
// over the same hub works.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "jobstream/detail/generated.hpp"  // what generated code includes: cereal for std::string
#include "program/map_run.hpp"
#include "transport/loopback_transport.hpp"

namespace jstest {
namespace {

using namespace jobstream::detail;
using namespace std::chrono_literals;

inline std::atomic<int> failRank{-1};  // fragile throws on this rank
inline std::atomic<long> failItem{-1};  // ... or for this item, anywhere

long long squareOf(const int& x) { return static_cast<long long>(x) * x; }

std::string named(std::string text) { return "<" + text + ">"; }

long fragile(long x) {
  if (x == failItem.load()) throw std::runtime_error("bad item " + std::to_string(x));
  if (jobstream::rank() == failRank.load()) {
    std::this_thread::sleep_for(100us);
    throw std::runtime_error("not here");
  }
  if (failRank.load() >= 0) std::this_thread::sleep_for(100us);  // time for stealing to spread the work
  return -x;
}

const MapRegistration<&squareOf> squareMap{"maptest::squareOf", "int", "long long"};
const MapRegistration<&named> namedMap{"maptest::named", "std::string", "std::string"};
const MapRegistration<&fragile> fragileMap{"maptest::fragile", "long", "long"};

template <auto F>
const MapDef& mapOf() {
  const MapDef* map = registeredMap(reinterpret_cast<MapKey>(F));
  if (!map) throw std::logic_error("not registered");
  return *map;
}

// Runs `body(rank, transport)` on `ranks` loopback ranks over one hub, each
// in its own thread, under a watchdog.
void onRanks(int ranks, LoopbackChaos chaos, const std::function<void(int, Transport&)>& body) {
  auto hub = std::make_shared<LoopbackHub>(ranks, chaos);
  std::mutex mutex;
  std::condition_variable done;
  int finished = 0;
  std::vector<std::thread> threads;
  for (int r = 0; r != ranks; ++r) {
    threads.emplace_back([&, r] {
      LoopbackTransport transport(hub, r);
      body(r, transport);
      std::lock_guard lock(mutex);
      ++finished;
      done.notify_all();
    });
  }
  {
    std::unique_lock lock(mutex);
    if (!done.wait_for(lock, 60s, [&] { return finished == ranks; })) {
      ADD_FAILURE() << "the map hung";
      std::abort();  // threads still running cannot be joined
    }
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(hub->inFlight(), 0u) << "messages left for the next run";
}

TEST(Map, SliceSizes) {
  EXPECT_EQ(sliceItemsFor(0, 4), 1u);
  EXPECT_EQ(sliceItemsFor(1000, 2), 63u);  // 16 slices
  EXPECT_EQ(sliceItemsFor(5, 8), 1u);
}

TEST(Map, ResultsInOrderOnRankZeroOnly) {
  for (int ranks = 1; ranks <= 4; ++ranks) {
    SCOPED_TRACE("ranks " + std::to_string(ranks));
    onRanks(ranks, LoopbackChaos{true, static_cast<std::uint64_t>(ranks), 300us}, [&](int r, Transport& transport) {
      std::vector<int> items;
      for (int i = 0; i != 5000; ++i) items.push_back(r == 0 ? i : -7);  // other ranks' items are ignored
      std::vector<long long> results{1, 2, 3};
      const RunResult result = runMapOn(mapOf<&squareOf>(), transport, 2, &items, true, &results);
      EXPECT_EQ(result.exitCode, 0) << result.error;
      if (r != 0) {
        EXPECT_EQ(results, (std::vector<long long>{1, 2, 3})) << "rank " << r << "'s results were touched";
        return;
      }
      ASSERT_EQ(results.size(), 5000u);
      for (int i = 0; i != 5000; ++i) ASSERT_EQ(results[static_cast<std::size_t>(i)], static_cast<long long>(i) * i);
    });
  }
}

// Strings travel through cereal; the caller keeps its items (copied, not moved).
TEST(Map, ItemsThatAreNotBytesTravel) {
  onRanks(3, LoopbackChaos{true, 5, 300us}, [&](int r, Transport& transport) {
    std::vector<std::string> items;
    if (r == 0)
      for (int i = 0; i != 300; ++i) items.push_back(std::string(static_cast<std::size_t>(i % 40), 'a') + std::to_string(i));
    std::vector<std::string> results;
    const std::vector<std::string> kept = items;
    const RunResult result = runMapOn(mapOf<&named>(), transport, 1, &items, false, &results);
    EXPECT_EQ(result.exitCode, 0) << result.error;
    EXPECT_EQ(items, kept) << "items the caller keeps were moved from";
    if (r != 0) return;
    ASSERT_EQ(results.size(), 300u);
    for (int i = 0; i != 300; ++i)
      ASSERT_EQ(results[static_cast<std::size_t>(i)],
                "<" + std::string(static_cast<std::size_t>(i % 40), 'a') + std::to_string(i) + ">");
  });
}

TEST(Map, EmptyItems) {
  onRanks(2, {}, [&](int, Transport& transport) {
    std::vector<int> items;
    std::vector<long long> results{4};
    const RunResult result = runMapOn(mapOf<&squareOf>(), transport, 1, &items, true, &results);
    EXPECT_EQ(result.exitCode, 0) << result.error;
    if (transport.rank() == 0) {
      EXPECT_TRUE(results.empty());
    }
  });
}

TEST(Map, ManyCallsInARowOverOneHub) {
  onRanks(3, LoopbackChaos{true, 11, 200us}, [&](int r, Transport& transport) {
    for (int call = 0; call != 30; ++call) {
      std::vector<int> items;
      if (r == 0)
        for (int i = 0; i != call * 7; ++i) items.push_back(i + call);
      std::vector<long long> results;
      const RunResult result = runMapOn(mapOf<&squareOf>(), transport, 1, &items, true, &results);
      ASSERT_EQ(result.exitCode, 0) << result.error;
      if (r != 0) continue;
      ASSERT_EQ(results.size(), static_cast<std::size_t>(call * 7));
      for (int i = 0; i != call * 7; ++i)
        ASSERT_EQ(results[static_cast<std::size_t>(i)], static_cast<long long>(i + call) * (i + call));
    }
  });
}

// A failure on `bad` (a rank, or any rank for item 7 when -1), then a call
// that succeeds, over the same hub.
void failThenSucceed(int ranks, int bad, std::uint64_t seed) {
  SCOPED_TRACE("ranks " + std::to_string(ranks) + ", failing rank " + std::to_string(bad));
  onRanks(ranks, LoopbackChaos{true, seed, 300us}, [&](int r, Transport& transport) {
    std::vector<long> items;
    if (r == 0)
      for (long i = 0; i != 400; ++i) items.push_back(i);
    std::vector<long> results;
    RunResult result;
    failRank = bad;
    failItem = bad < 0 ? 7 : -1;
    result = runMapOn(mapOf<&fragile>(), transport, 2, &items, true, &results);
    EXPECT_NE(result.exitCode, 0) << "rank " << r << ": the failure was not seen";
    if (r == 0) {
      const std::string expected = bad < 0 ? "stage 'maptest::fragile' failed on rank " : "stage 'maptest::fragile' failed on rank " + std::to_string(bad) + ": not here";
      EXPECT_NE(result.error.find(expected), std::string::npos) << result.error;
      if (bad < 0) {
        EXPECT_NE(result.error.find("bad item 7"), std::string::npos) << result.error;
      }
    }
    // Every rank is out of the failed call: the next one works.
    transport.sumOverRanks(0);
    failRank = -1;
    failItem = -1;
    std::vector<long> again{1, 2, 3};
    if (r != 0) again.clear();
    std::vector<long> results2;
    result = runMapOn(mapOf<&fragile>(), transport, 2, &again, true, &results2);
    EXPECT_EQ(result.exitCode, 0) << result.error;
    if (r == 0) {
      EXPECT_EQ(results2, (std::vector<long>{-1, -2, -3}));
    }
  });
}

TEST(Map, ThrowingItemEndsTheCallOnEveryRank) {
  for (int ranks = 1; ranks <= 4; ++ranks) failThenSucceed(ranks, -1, 20 + static_cast<std::uint64_t>(ranks));
}

TEST(Map, ThrowingOnAnotherRankReachesRankZero) {
  // Rank 1 fails every item it gets; stealing gives it some (items are slow).
  for (int ranks = 2; ranks <= 4; ++ranks) failThenSucceed(ranks, 1, 30 + static_cast<std::uint64_t>(ranks));
}

TEST(Map, ThrowingOnRankZero) { failThenSucceed(3, 0, 41); }

}  // namespace
}  // namespace jstest
