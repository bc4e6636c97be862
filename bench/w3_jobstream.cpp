// W3, merging large partial stores: a global reduce whose store is ~1 MB (a
// std::vector<double> of 131,072 elements). Items take ~0.2 ms of CPU each, so
// every rank takes some and builds a partial store of its own; at the end the
// partial stores merge through `others` and the emit runs once.
//
//   usage: w3_jobstream [ITEMS [STORE_ELEMENTS]] [jobstream options]
//          (defaults: 4000 items, 131072 doubles; a store of 1 element shows
//          what the same run costs without the megabyte)
//
// Measured: the time from the last input finishing (the end of the last
// reduce call that added inputs, on any rank) to the emit, the part of a run
// that merging partial stores adds. Ranks must share one host: the times come
// from each rank's steady clock, which on Linux is one clock for the host.
// The rank that ran the init (rank 0) prints one line that run.py parses:
//   RESULT workload=w3 system=jobstream ranks=4 items=4000 inner_seconds=0.51
//          emit_latency_seconds=0.0042 store_bytes=1048576 contributing_ranks=4
//          merge_rounds=2 max_fan_in=3 sum=4000 expected=4000 ok=1
// contributing_ranks counts the ranks that added inputs to a partial store.
// The exit code is non-zero when an input is missing from the emitted store.
#include <jobstream/jobstream.hpp>

#include "leading_count.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

namespace {

std::int64_t g_items = 4000;
std::size_t g_storeElements = 131'072;  // 1 MiB of doubles

bool g_initRan = false;
int g_ranks = 1;
std::chrono::steady_clock::time_point g_start;

double steadySeconds() {
  using Seconds = std::chrono::duration<double>;
  return Seconds(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::uint64_t spin(std::int64_t iterations, std::uint64_t seed) {
  std::uint64_t x = seed | 1;
  for (std::int64_t i = 0; i < iterations; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
  }
  return x;
}

// Where item i lands in the store: spread over all of it.
std::size_t slotOf(std::int64_t item) {
  return static_cast<std::size_t>(item * 7919) % g_storeElements;
}

}  // namespace

namespace w3 {

struct Field {
  std::vector<double> values;  // empty until the first input or merge
  std::int64_t inputs = 0;
  std::uint64_t ranks = 0;     // bit r: rank r added inputs
  double lastInput = 0;        // steady clock, seconds
  // The shape of the merge: how many rounds of merging the store went
  // through (the longest chain of merge calls below it), and the most stores
  // one call combined. A tree over N ranks gives about log2(N) of each; a
  // gather at one rank, 1 round of N stores.
  int mergeRounds = 0;
  int maxFanIn = 0;
};

struct Summary {
  std::int64_t inputs = 0;
  double total = 0;
  int contributingRanks = 0;
  double emitLatency = 0;
  int mergeRounds = 0;
  int maxFanIn = 0;
};

[[jobstream::init]]
jobstream::Multiple<std::int64_t> items() {
  g_initRan = true;
  g_ranks = jobstream::rank_count();
  g_start = std::chrono::steady_clock::now();
  jobstream::Multiple<std::int64_t> out;
  for (std::int64_t i = 0; i < g_items; ++i) out.push_back(i);
  return out;
}

// ~0.2 ms: long enough that idle ranks take work from busy ones.
[[jobstream::job]]
std::int64_t work(std::int64_t item) {
  return spin(100'000, static_cast<std::uint64_t>(item)) == 0 ? -1 : item;
}

[[jobstream::reduce]]
void merge(Field& store, std::span<const std::int64_t> inputs, std::span<const Field> others) {
  if (store.values.empty()) store.values.assign(g_storeElements, 0.0);
  for (std::int64_t item : inputs) {
    if (item >= 0) store.values[slotOf(item)] += 1.0;
    ++store.inputs;
  }
  if (!others.empty()) {
    int rounds = store.mergeRounds;
    int fanIn = store.maxFanIn;
    for (const Field& o : others) {
      rounds = std::max(rounds, o.mergeRounds);
      fanIn = std::max(fanIn, o.maxFanIn);
    }
    store.mergeRounds = rounds + 1;
    store.maxFanIn = std::max(fanIn, static_cast<int>(others.size()) + 1);
  }
  for (const Field& o : others) {
    if (!o.values.empty())
      for (std::size_t i = 0; i < g_storeElements; ++i) store.values[i] += o.values[i];
    store.inputs += o.inputs;
    store.ranks |= o.ranks;
    store.lastInput = std::max(store.lastInput, o.lastInput);
  }
  if (!inputs.empty()) {
    store.ranks |= std::uint64_t{1} << jobstream::rank();
    store.lastInput = std::max(store.lastInput, steadySeconds());
  }
}

[[jobstream::emit]]
Summary summary(const Field& store) {
  const double now = steadySeconds();
  Summary out;
  out.inputs = store.inputs;
  for (double v : store.values) out.total += v;
  out.contributingRanks = std::popcount(store.ranks);
  out.emitLatency = store.inputs > 0 ? now - store.lastInput : 0;
  out.mergeRounds = store.mergeRounds;
  out.maxFanIn = store.maxFanIn;
  return out;
}

Summary g_summary;
int g_results = 0;

[[jobstream::result]]
void record(const Summary& summary) {
  g_summary = summary;
  ++g_results;
}

}  // namespace w3

int main(int argc, char** argv) {
  g_items = bench::takeLeadingCount(argc, argv, g_items, "w3_jobstream");
  const std::int64_t elements =
      bench::takeLeadingCount(argc, argv, static_cast<std::int64_t>(g_storeElements), "w3_jobstream");
  if (g_items < 0 || elements < 0) return 2;
  g_storeElements = static_cast<std::size_t>(elements);

  const int code = jobstream::run(argc, argv);
  if (code != 0 || !g_initRan) return code;

  using Seconds = std::chrono::duration<double>;
  const double inner = Seconds(std::chrono::steady_clock::now() - g_start).count();
  const w3::Summary& s = w3::g_summary;
  const bool ok = w3::g_results == 1 && s.inputs == g_items && s.total == static_cast<double>(g_items);
  std::printf("RESULT workload=w3 system=jobstream ranks=%d items=%" PRId64
              " inner_seconds=%.6f emit_latency_seconds=%.6f store_bytes=%zu contributing_ranks=%d merge_rounds=%d"
              " max_fan_in=%d sum=%" PRId64
              " expected=%" PRId64 " ok=%d\n",
              g_ranks, g_items, inner, s.emitLatency, g_storeElements * sizeof(double), s.contributingRanks,
              s.mergeRounds, s.maxFanIn, s.inputs, g_items, ok ? 1 : 0);
  if (!ok) std::fprintf(stderr, "w3_jobstream: inputs missing from the emitted store, or not exactly one result\n");
  return ok ? 0 : 1;
}
