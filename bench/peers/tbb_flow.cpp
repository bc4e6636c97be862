// Each workload as a oneTBB flow graph with batches made by hand: the
// pipeline shape of jobstream (a source, jobs, a reduction) in a well-kept
// shared-memory library. One message per item costs TBB ~100 ns, more than
// W1's work, so the source sends batches of C items and every node loops
// over a batch, as a TBB user who measured would.
//
//   usage: peer_tbb w1|w2 ITEMS [--threads N] [--batch C]
//          (defaults: 1 thread; C = 1000 for w1, 10 for w2)
//
//   w1  input_node (batches of the items 0..N-1) -> job1 x+1 -> job2 2x -> a
//       reducer adding each batch into its thread's partial sum
//   w2  input_node (batches of items) -> the spin job -> the same reducer,
//       as bench/w2_jobstream.cpp's one job and reduce
//
// The job nodes and the reducer have unlimited concurrency; the partial sums
// are an enumerable_thread_specific combined when the graph is done. The
// threads are limited with global_control::max_allowed_parallelism. Prints
// the RESULT line of peer.hpp; the clock starts once the graph is built and
// the threads are up, and stops when the partial sums are combined.
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "peer.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using Batch = std::shared_ptr<std::vector<std::int64_t>>;
namespace flow = tbb::flow;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The items of a batch are `value(i)` for the next C of i = 0..N-1.
template <typename Value>
auto batches(std::int64_t items, std::int64_t batch, Value value) {
  return
      [items, batch, value, next = std::int64_t{0}](tbb::flow_control& control) mutable -> Batch {
        if (next >= items) {
          control.stop();
          return {};
        }
        const std::int64_t end = std::min(items, next + batch);
        auto out = std::make_shared<std::vector<std::int64_t>>();
        out->reserve(static_cast<std::size_t>(end - next));
        for (; next < end; ++next) out->push_back(value(next));
        return out;
      };
}

// Wakes the worker threads, so that the timed graph does not pay for it.
void startThreads(int threads) {
  tbb::parallel_for(0, 64 * threads, [](int) {
    volatile int busy = 0;
    for (int i = 0; i < 10'000; ++i) busy = busy + 1;
  });
}

int w1(const peer::Arguments& args) {
  flow::graph graph;
  flow::input_node<Batch> source(graph,
                                 batches(args.items, args.batch, [](std::int64_t i) { return i; }));
  flow::function_node<Batch, Batch> job1(graph, flow::unlimited, [](Batch b) {
    for (std::int64_t& x : *b) x = peer::addOne(x);
    return b;
  });
  flow::function_node<Batch, Batch> job2(graph, flow::unlimited, [](Batch b) {
    for (std::int64_t& x : *b) x = peer::twice(x);
    return b;
  });
  tbb::enumerable_thread_specific<std::int64_t> partial(std::int64_t{0});
  flow::function_node<Batch, flow::continue_msg> reducer(graph, flow::unlimited,
                                                         [&partial](const Batch& b) {
                                                           std::int64_t& mine = partial.local();
                                                           for (std::int64_t x : *b) mine += x;
                                                           return flow::continue_msg();
                                                         });
  flow::make_edge(source, job1);
  flow::make_edge(job1, job2);
  flow::make_edge(job2, reducer);
  startThreads(args.threads);

  const auto start = Clock::now();
  source.activate();
  graph.wait_for_all();
  const std::int64_t sum = partial.combine(std::plus<>());
  return peer::reportW1("tbb", args, secondsSince(start), sum);
}

int w2(const peer::Arguments& args) {
  const std::int64_t iterations = bench::calibrate();
  flow::graph graph;
  flow::input_node<Batch> source(
      graph, batches(args.items, args.batch, [iterations](std::int64_t) { return iterations; }));
  using Spuns = std::shared_ptr<peer::Spun>;
  flow::function_node<Batch, Spuns> job(graph, flow::unlimited, [](const Batch& b) {
    auto spun = std::make_shared<peer::Spun>();
    for (std::int64_t item : *b) spun->add(item);
    return spun;
  });
  tbb::enumerable_thread_specific<peer::Spun> partial;
  flow::function_node<Spuns, flow::continue_msg> reducer(graph, flow::unlimited,
                                                         [&partial](const Spuns& s) {
                                                           partial.local().add(*s);
                                                           return flow::continue_msg();
                                                         });
  flow::make_edge(source, job);
  flow::make_edge(job, reducer);
  startThreads(args.threads);

  const auto start = Clock::now();
  source.activate();
  graph.wait_for_all();
  peer::Spun total;
  partial.combine_each([&total](const peer::Spun& s) { total.add(s); });
  return peer::reportW2("tbb", args, iterations, secondsSince(start), total);
}

}  // namespace

int main(int argc, char** argv) {
  peer::Arguments args = peer::parseArguments(argc, argv, "peer_tbb");
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism,
                              static_cast<std::size_t>(args.threads));
  switch (args.workload) {
    case peer::Workload::w1:
      if (args.batch == 0) args.batch = 1000;
      return w1(args);
    case peer::Workload::w2:
      if (args.batch == 0) args.batch = 10;
      return w2(args);
    case peer::Workload::w1Fanned:
      peer::usage("peer_tbb",
                  "w1_fanned is not written for TBB; w1 with --batch is its nearest shape");
    case peer::Workload::w7:
      break;
  }
  peer::usage("peer_tbb", "w7 is not written for TBB; the OpenMP peer balances it item by item");
}
