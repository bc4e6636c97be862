// Frames nest: each item n opens an outer instance that recurs 1..n; each of
// those opens an inner instance that recurs 1..k and sums them in its
// frame_end. The inner sums leave through an emit into the outer frame_end.
// An outer instance may end only after all of its inner instances have:
// n = 1..60 must each give sum k(k+1)/2 over k = 1..n = n(n+1)(n+2)/6, with n
// inner results. finish checks every one and prints how many were wrong.
#include <jobstream/jobstream.hpp>

#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

namespace nested_frames {

constexpr int kItems = 60;

struct Outer {
  bool started = false;
  int n = 0;
  int innerResults = 0;
  std::int64_t total = 0;
};

struct Inner {
  bool started = false;
  std::int64_t sum = 0;
};

namespace {
jobstream::Multiple<int> oneTo(int n) {
  jobstream::Multiple<int> out;
  for (int i = 1; i <= n; ++i) out.push_back(i);
  return out;
}
}  // namespace

[[jobstream::init]]
jobstream::Multiple<int> items() { return oneTo(kItems); }

[[jobstream::frame]]
jobstream::Multiple<int> outer(Outer& store, const int& n) {
  if (store.started) return {};
  store.started = true;
  store.n = n;
  return oneTo(n);
}

[[jobstream::frame]]
jobstream::Multiple<int> inner(Inner& store, const int& k) {
  if (store.started) return {};
  store.started = true;
  return oneTo(k);
}

[[jobstream::job]]
int same(int x) { return x; }

[[jobstream::frame_end]]
void innerEnd(Inner& store, int next) { store.sum += next; }

[[jobstream::emit]]
std::int64_t innerSum(const Inner& store) { return store.sum; }

[[jobstream::frame_end]]
void outerEnd(Outer& store, std::int64_t result) {
  ++store.innerResults;
  store.total += result;
}

[[jobstream::finish]]
void check(std::vector<Outer> all) {
  int wrong = 0;
  for (const Outer& o : all) {
    const std::int64_t n = o.n;
    if (o.innerResults != o.n || o.total != n * (n + 1) * (n + 2) / 6) {
      if (++wrong <= 5)
        std::cout << "wrong: n=" + std::to_string(n) + " inner results " + std::to_string(o.innerResults) +
                         " total " + std::to_string(o.total) + "\n";
    }
  }
  std::cout << "instances=" + std::to_string(all.size()) + " wrong=" + std::to_string(wrong) + "\n";
}

}  // namespace nested_frames
