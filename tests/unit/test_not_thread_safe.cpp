// [[jobstream::not_thread_safe]] (StageDef::serial): every call of a serial
// stage's user code on a rank is alone, whatever path makes it: chunks from
// the queue, a reduce run directly by the worker that made its items, merges
// on the communication thread. A plain stage beside them does run
// concurrently, so that the detector itself is shown to work.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <string>
#include <thread>

#include "scope_pipelines.hpp"

namespace jstest {
namespace {

using namespace scoped;

// Calls of one stage in progress on each rank, and the most seen at once.
struct Overlap {
  std::array<std::atomic<int>, 8> running{};
  std::array<std::atomic<int>, 8> most{};

  void reset() {
    for (auto& r : running) r = 0;
    for (auto& m : most) m = 0;
  }
  // Enters, stays a while (a sleep: the machine may have few cores), leaves.
  void visit(std::chrono::microseconds stay) {
    const auto rank = static_cast<std::size_t>(jobstream::rank());
    const int now = running[rank].fetch_add(1) + 1;
    int seen = most[rank].load();
    while (now > seen && !most[rank].compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(stay);
    running[rank].fetch_sub(1);
  }
  int worst() const {
    int worst = 0;
    for (const auto& m : most) worst = std::max(worst, m.load());
    return worst;
  }
};

// job (serial) -> job (plain) -> reduce (serial) -> result.
namespace serial {
using mean::Sum;
inline Overlap& serialJob() {
  static Overlap o;
  return o;
}
inline Overlap& plainJob() {
  static Overlap o;
  return o;
}
inline Overlap& serialReduce() {
  static Overlap o;
  return o;
}
inline Recorder<long long>& recorded() {
  static Recorder<long long> r;
  return r;
}

inline int alone(int x) {
  serialJob().visit(std::chrono::microseconds(20));
  return x;
}
inline long long together(int x) {
  plainJob().visit(std::chrono::microseconds(200));
  return x;
}
inline void add(Sum& s, std::span<const long long> in, std::span<const Sum> others) {
  serialReduce().visit(std::chrono::microseconds(50));
  for (long long x : in) {
    s.total += x;
    ++s.count;
  }
  for (const Sum& o : others) {
    s.total += o.total;
    s.count += o.count;
  }
}
inline void record(const Sum& s) { recorded().add(s.total * 100000 + s.count); }

inline const StageDef stages[] = {
    {.kind = StageKind::job, .name = "serial::alone", .input = &itemTypeOf<int>, .inputName = "int", .serial = true,
     .process = &job<alone, int, 0, 1>},
    {.kind = StageKind::job, .name = "serial::together", .input = &itemTypeOf<int>, .inputName = "int",
     .serial = false, .process = &job<together, int, 1, 2>},
    {.kind = StageKind::reduce, .name = "serial::add", .input = &itemTypeOf<long long>, .inputName = "long long",
     .serial = true, .store = &itemTypeOf<Sum>, .newStore = &newStore<Sum>,
     .reduce = &reduce<add, Sum, long long, 2, 0>, .merge = &merge<add, Sum, long long, 2, 0>,
     .leave = &leaveStore<Sum, 2, 3>},
    {.kind = StageKind::result, .name = "serial::record", .input = &itemTypeOf<Sum>, .inputName = "Sum",
     .serial = false, .process = &result<record, Sum, 3>, .region = 1},
};
inline const PipelineDef pipeline{"serial", "test", stages, 0, nullptr};
}  // namespace serial

struct Shape {
  int ranks;
  int threads;
};

TEST(NotThreadSafe, SerialStagesRunOneCallAtATimePerRank) {
  for (const Shape shape : {Shape{1, 4}, Shape{2, 3}, Shape{3, 2}}) {
    SCOPED_TRACE(std::to_string(shape.ranks) + " ranks x " + std::to_string(shape.threads) + " threads");
    serial::serialJob().reset();
    serial::plainJob().reset();
    serial::serialReduce().reset();
    serial::recorded().clear();
    // Items one by one, so that chunks are small and spread over the workers.
    LoopbackRun run = runLoopback(serial::pipeline, shape.ranks, shape.threads, batchOf(range(1, 801)));
    ASSERT_TRUE(allSucceeded(run)) << run.ranks[0].error;
    EXPECT_EQ(serial::recorded().sorted(), std::vector<long long>{800LL * 801 / 2 * 100000 + 800});
    EXPECT_EQ(serial::serialJob().worst(), 1);
    EXPECT_EQ(serial::serialReduce().worst(), 1);
    // The plain stage between them overlaps: the detector can see overlap.
    EXPECT_GE(serial::plainJob().worst(), 2);
  }
}

}  // namespace
}  // namespace jstest
