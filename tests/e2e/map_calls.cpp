// jobstream::map from a program's own main, at np 0, 1, 2 and 4: results in
// order, many calls in a loop, empty items, and a function that throws: rank
// 0 catches a std::runtime_error naming the function and the rank, every
// other rank returns from the call, and the next call works.
//
// stdout (rank 0): the check lines of map_calls.expected; every rank prints
// rank=R once it is out of the failed calls (--ranks-seen). stderr: what was
// caught, for the test's --stderr patterns.
#include <jobstream/jobstream.hpp>

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace maptest {

[[jobstream::job]] long long square(int n) { return static_cast<long long>(n) * n; }

// Throws for item 7, wherever it runs; for negative items it throws on every
// rank but 0 (slowly, so that other ranks steal some).
[[jobstream::job]] int fragile(const int& n) {
  if (n == 7) throw std::runtime_error("bad item 7");
  if (n < 0) {
    std::this_thread::sleep_for(std::chrono::microseconds(500));
    if (jobstream::rank() != 0) throw std::runtime_error("not on rank " + std::to_string(jobstream::rank()));
  }
  return n + 1;
}

}  // namespace maptest

namespace {

bool rankZero() { return jobstream::rank() == 0; }

void say(const char* line) {
  if (rankZero()) std::printf("%s\n", line);
}

// f(items[i]) at index i, on rank 0; nothing elsewhere.
bool inOrder(int count) {
  std::vector<int> items;
  for (int i = 0; i != count; ++i) items.push_back(i - count / 2);
  const std::vector<long long> results = jobstream::map(maptest::square, items);
  if (!rankZero()) return results.empty();
  if (results.size() != items.size()) return false;
  for (std::size_t i = 0; i != items.size(); ++i)
    if (results[i] != static_cast<long long>(items[i]) * items[i]) return false;
  return true;
}

// Calls map with `items`; rank 0 prints what it caught on stderr.
bool throws(std::vector<int> items) {
  try {
    const std::vector<int> results = jobstream::map(maptest::fragile, std::move(items));
    return !rankZero() && results.empty();  // only other ranks return normally
  } catch (const std::runtime_error& e) {
    std::fprintf(stderr, "caught on rank %d: %s\n", jobstream::rank(), e.what());
    return rankZero();
  }
}

}  // namespace

int main() {
  say(inOrder(100000) ? "in order: ok" : "in order: WRONG");

  bool loop = true;
  for (int call = 0; call != 100; ++call) loop = inOrder(call % 17) && loop;
  say(loop ? "100 calls: ok" : "100 calls: WRONG");

  const std::vector<long long> none = jobstream::map(maptest::square, {});
  say(none.empty() ? "empty: ok" : "empty: WRONG");

  // Item 7 throws wherever it runs.
  std::vector<int> withSeven;
  for (int i = 0; i != 1000; ++i) withSeven.push_back(i);
  say(throws(withSeven) ? "item 7 threw: ok" : "item 7 threw: WRONG");
  say(inOrder(1000) ? "after the failure: ok" : "after the failure: WRONG");

  // With several ranks, a failure on another rank than 0 reaches rank 0:
  // items that throw on every rank but 0, slow enough that the other ranks
  // steal some of them (tests/e2e/CMakeLists.txt checks the rank named).
  if (jobstream::rank_count() > 1)
    say(throws(std::vector<int>(400, -1)) ? "another rank threw: ok" : "another rank threw: WRONG");
  say(inOrder(10) ? "after the second failure: ok" : "after the second failure: WRONG");
  std::printf("rank=%d\n", jobstream::rank());
  return 0;
}
