// Pipelines written by hand in the shape jsgen generates (see the comment in
// jobstream/detail/stage.hpp), and a helper that runs N loopback ranks as
// threads under a watchdog, so a hang fails a test instead of blocking it.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <map>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "jobstream/detail/generated.hpp"
#include "transport/loopback_transport.hpp"
#include "rank/rank.hpp"

namespace jstest {

using namespace jobstream::detail;
using namespace std::chrono_literals;

template <class T>
std::unique_ptr<BatchBase> batchOf(std::vector<T> items) {
  auto batch = std::make_unique<Batch<T>>();
  batch->items.assign(std::make_move_iterator(items.begin()), std::make_move_iterator(items.end()));
  return batch;
}

inline std::vector<int> range(int first, int last) {
  std::vector<int> items;
  for (int i = first; i != last; ++i) items.push_back(i);
  return items;
}

// What result/finish stages saw, and on which rank they ran.
template <class T>
class Recorder {
 public:
  void add(const T& item) {
    std::lock_guard lock(mutex_);
    items_.push_back(item);
    ranks_.push_back(jobstream::rank());
  }
  std::vector<T> sorted() {
    std::lock_guard lock(mutex_);
    std::vector<T> copy = items_;
    std::sort(copy.begin(), copy.end());
    return copy;
  }
  std::vector<int> ranks() {
    std::lock_guard lock(mutex_);
    return ranks_;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    items_.clear();
    ranks_.clear();
  }

 private:
  std::mutex mutex_;
  std::vector<T> items_;
  std::vector<int> ranks_;
};

struct LoopbackRun {
  std::vector<RunResult> ranks;
  bool timedOut = false;
};

// Runs `pipeline` on `ranks` loopback ranks with `threads` workers each,
// and `base` for the rest of every rank's options (checkpoints), with rank
// r's stopSignal `stopSignals[r]` if there is one. On timeout the hub is
// aborted (every rank's loop then returns) and the run is marked timedOut;
// if even that does not end it, the process aborts.
inline LoopbackRun runLoopback(const PipelineDef& pipeline, int ranks, int threads,
                               std::unique_ptr<BatchBase> items, LoopbackChaos chaos = {},
                               std::chrono::milliseconds timeout = 30s, RankOptions base = {},
                               std::vector<const std::atomic<int>*> stopSignals = {}) {
  auto hub = std::make_shared<LoopbackHub>(ranks, chaos);
  struct Shared {
    std::mutex mutex;
    std::condition_variable done;
    int finished = 0;
    std::vector<RunResult> results;
  };
  auto shared = std::make_shared<Shared>();
  shared->results.resize(static_cast<std::size_t>(ranks));
  std::shared_ptr<BatchBase> initial(std::move(items));
  std::vector<std::thread> threadsOfRanks;
  for (int r = 0; r != ranks; ++r) {
    const std::atomic<int>* stopSignal =
        static_cast<std::size_t>(r) < stopSignals.size() ? stopSignals[static_cast<std::size_t>(r)] : nullptr;
    threadsOfRanks.emplace_back([&pipeline, hub, shared, initial, r, threads, base, stopSignal] {
      LoopbackTransport transport(hub, r);
      RunResult result;
      try {
        RankOptions options = base;
        options.threads = threads;
        if (stopSignal) options.stopSignal = stopSignal;
        // Rank 0 takes the initial batch by moving it into a fresh one.
        std::unique_ptr<BatchBase> own;
        if (r == 0 && initial) {
          const ItemType& type = *pipeline.stages[pipeline.entry].input;
          own = type.make();
          type.append(*own, *initial, 0, initial->size());
        }
        result = runRank(pipeline, transport, options, std::move(own));
      } catch (const std::exception& e) {
        result.exitCode = 99;
        result.error = std::string("runRank threw: ") + e.what();
      }
      std::lock_guard lock(shared->mutex);
      shared->results[static_cast<std::size_t>(r)] = result;
      ++shared->finished;
      shared->done.notify_all();
    });
  }
  LoopbackRun run;
  {
    std::unique_lock lock(shared->mutex);
    if (!shared->done.wait_for(lock, timeout, [&] { return shared->finished == ranks; })) {
      run.timedOut = true;
      hub->abort();
      if (!shared->done.wait_for(lock, 20s, [&] { return shared->finished == ranks; })) {
        fprintf(stderr, "watchdog: ranks did not stop even after an abort\n");
        std::abort();
      }
    }
  }
  for (std::thread& t : threadsOfRanks) t.join();
  run.ranks = shared->results;
  EXPECT_FALSE(run.timedOut) << "the run hung (watchdog fired)";
  return run;
}

// For RankOptions::checkpointWritten: stops the run once `count`
// checkpoints have been written (0: never), leaving the file as a crash would.
inline std::function<void(int)> stopAfter(int count) {
  return [count](int written) {
    if (count != 0 && written == count)
      throw std::runtime_error("stopped after " + std::to_string(written) + " checkpoints, as the test asked");
  };
}

inline bool allSucceeded(const LoopbackRun& run) {
  for (const RunResult& r : run.ranks)
    if (r.exitCode != 0) return false;
  return !run.timedOut;
}

// ---------------------------------------------------------------------------
// linear: int -> triple (Multiple<int>) -> square (long long) -> keepEven
// (optional, fused with square into one loop as jsgen does) -> record (result)
namespace linear {

inline Recorder<long long>& recorded() {
  static Recorder<long long> r;
  return r;
}

inline jobstream::Multiple<int> triple(int x) { return {x, x, x}; }
inline long long square(int x) { return static_cast<long long>(x) * x; }
inline std::optional<long long> keepEven(long long x) {
  if (x % 2 == 0) return x;
  return std::nullopt;
}
inline void record(const long long& x) {
  if (jobstream::rank() != 0) throw std::logic_error("result stage ran off rank 0");
  recorded().add(x);
}

inline void stage0(BatchBase& in_, std::size_t begin, std::size_t end, Emitter& em) {
  auto& in = static_cast<Batch<int>&>(in_).items;
  Output<int> out(em, 1);
  for (std::size_t i = begin; i != end; ++i) {
    em.current = 0;
    out.push(triple(in[i]));
  }
  out.close();
}
inline void stage1(BatchBase& in_, std::size_t begin, std::size_t end, Emitter& em) {
  auto& in = static_cast<Batch<int>&>(in_).items;
  Output<long long> out(em, 3);
  for (std::size_t i = begin; i != end; ++i) {
    em.current = 1;
    long long a = square(in[i]);
    em.current = 2;
    std::optional<long long> b = keepEven(std::move(a));
    if (b) out.push(std::move(*b));
  }
  out.close();
}
inline void stage3(BatchBase& in_, std::size_t begin, std::size_t end, Emitter& em) {
  auto& in = static_cast<Batch<long long>&>(in_).items;
  for (std::size_t i = begin; i != end; ++i) {
    em.current = 3;
    record(in[i]);
  }
}

inline const StageDef stages[] = {
    {StageKind::job, "linear::triple", &itemTypeOf<int>, "int", false, nullptr, &stage0, nullptr},
    {StageKind::job, "linear::square", &itemTypeOf<int>, "int", false, nullptr, &stage1, nullptr},
    {StageKind::job, "linear::keepEven", &itemTypeOf<long long>, "long long", false, nullptr, &stage1, nullptr},
    {StageKind::result, "linear::record", &itemTypeOf<long long>, "long long", false, nullptr, &stage3, nullptr},
};
inline const PipelineDef pipeline{"linear", "linear-v1", stages, 0, parserFor<int>()};

inline std::vector<long long> expected(const std::vector<int>& inputs) {
  std::vector<long long> out;
  for (int x : inputs)
    for (int copy = 0; copy != 3; ++copy)
      if (auto v = keepEven(square(x))) out.push_back(*v);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace linear

// ---------------------------------------------------------------------------
// collect: two inits (in order) -> plusOne -> finish(std::vector<int>)
namespace collect {

inline std::vector<std::vector<int>>& finished() {
  static std::vector<std::vector<int>> calls;
  return calls;
}
inline std::vector<int>& initOrder() {
  static std::vector<int> order;
  return order;
}

inline jobstream::Multiple<int> first() {
  initOrder().push_back(1);
  return jobstream::Multiple<int>(range(0, 5000));
}
inline jobstream::Multiple<int> second() {
  initOrder().push_back(2);
  return {-1, -2};
}
inline int plusOne(int x) { return x + 1; }
inline void all(std::vector<int> items) {
  if (jobstream::rank() != 0) throw std::logic_error("finish ran off rank 0");
  finished().push_back(std::move(items));
}

inline void init0(Emitter& em) {
  Output<int> out(em, 2);
  out.push(first());
  out.close();
}
inline void init1(Emitter& em) {
  Output<int> out(em, 2);
  out.push(second());
  out.close();
}
inline void stage2(BatchBase& in_, std::size_t begin, std::size_t end, Emitter& em) {
  auto& in = static_cast<Batch<int>&>(in_).items;
  Output<int> out(em, 3);
  for (std::size_t i = begin; i != end; ++i) {
    em.current = 2;
    out.push(plusOne(in[i]));
  }
  out.close();
}
inline void finish3(BatchBase& all_) {
  auto& items = static_cast<Batch<int>&>(all_).items;
  all(std::vector<int>(std::make_move_iterator(items.begin()), std::make_move_iterator(items.end())));
}

inline const StageDef stages[] = {
    {StageKind::init, "collect::first", nullptr, "", false, &init0, nullptr, nullptr},
    {StageKind::init, "collect::second", nullptr, "", false, &init1, nullptr, nullptr},
    {StageKind::job, "collect::plusOne", &itemTypeOf<int>, "int", false, nullptr, &stage2, nullptr},
    {StageKind::finish, "collect::all", &itemTypeOf<int>, "int", false, nullptr, nullptr, &finish3},
};
inline const PipelineDef pipeline{"collect", "collect-v1", stages, 2, parserFor<int>()};

}  // namespace collect

// ---------------------------------------------------------------------------
// words: std::string (cereal on the wire) -> describe (serial) -> print
namespace words {

inline std::atomic<int> running[8];  // calls in progress, per rank
inline std::atomic<bool> overlapped{false};

// Marked serial: the runtime must never run two calls at once on a rank.
inline std::string describe(const std::string& word) {
  std::atomic<int>& mine = running[jobstream::rank()];
  if (mine.fetch_add(1) != 0) overlapped = true;
  std::this_thread::sleep_for(50us);
  mine.fetch_sub(1);
  return word + ":" + std::to_string(word.size());
}

inline void stage0(BatchBase& in_, std::size_t begin, std::size_t end, Emitter& em) {
  auto& in = static_cast<Batch<std::string>&>(in_).items;
  Output<std::string> out(em, 1);
  for (std::size_t i = begin; i != end; ++i) {
    em.current = 0;
    out.push(describe(in[i]));
  }
  out.close();
}

inline const StageDef stages[] = {
    {StageKind::job, "words::describe", &itemTypeOf<std::string>, "std::string", true, nullptr, &stage0, nullptr},
    {StageKind::print, "words::<print>", &itemTypeOf<std::string>, "std::string", false, nullptr,
     &printItems<std::string>, nullptr},
};
inline const PipelineDef pipeline{"words", "words-v1", stages, 0, parserFor<std::string>()};

}  // namespace words

// ---------------------------------------------------------------------------
// fanout: int n -> spread (Multiple of n items) -> leaf (void job, optional
// cost) ; counts leaves per rank. Used for stealing, depth-first and
// termination tests.
namespace fanout {

inline std::atomic<long long> leaves{0};
inline std::atomic<int> leafMicros{0};  // sleep per leaf (not CPU: 2-core machine)
inline std::mutex perRankMutex;
inline std::map<int, long long> perRank;

inline jobstream::Multiple<int> spread(int n) {
  jobstream::Multiple<int> out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i != n; ++i) out.push_back(i);
  return out;
}
inline void leaf(int) {
  if (int us = leafMicros.load()) std::this_thread::sleep_for(std::chrono::microseconds(us));
  leaves.fetch_add(1);
}

inline void reset() {
  leaves = 0;
  leafMicros = 0;
  std::lock_guard lock(perRankMutex);
  perRank.clear();
}

inline void stage0(BatchBase& in_, std::size_t begin, std::size_t end, Emitter& em) {
  auto& in = static_cast<Batch<int>&>(in_).items;
  Output<int> out(em, 1);
  for (std::size_t i = begin; i != end; ++i) {
    em.current = 0;
    out.push(spread(in[i]));
  }
  out.close();
}
inline void stage1(BatchBase& in_, std::size_t begin, std::size_t end, Emitter& em) {
  auto& in = static_cast<Batch<int>&>(in_).items;
  for (std::size_t i = begin; i != end; ++i) {
    em.current = 1;
    leaf(in[i]);
  }
  std::lock_guard lock(perRankMutex);
  perRank[jobstream::rank()] += static_cast<long long>(end - begin);
}

inline const StageDef stages[] = {
    {StageKind::job, "fanout::spread", &itemTypeOf<int>, "int", false, nullptr, &stage0, nullptr},
    {StageKind::job, "fanout::leaf", &itemTypeOf<int>, "int", false, nullptr, &stage1, nullptr},
};
inline const PipelineDef pipeline{"fanout", "fanout-v1", stages, 0, parserFor<int>()};

}  // namespace fanout

}  // namespace jstest
