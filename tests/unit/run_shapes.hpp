// How the tests of reductions and frames run a pipeline: on several shapes
// of loopback ranks and threads, with and without random message delays.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "scope_pipelines.hpp"

namespace jstest {

struct Shape {
  int ranks;
  int threads;
  bool chaos;
};

inline const Shape kShapes[] = {{1, 1, false}, {1, 3, false}, {2, 2, false}, {4, 1, false}, {3, 2, true}, {4, 2, true}};

inline std::string describe(const Shape& shape) {
  return std::to_string(shape.ranks) + " ranks x " + std::to_string(shape.threads) + " threads" +
         (shape.chaos ? ", chaos" : "");
}

inline LoopbackRun runShape(const PipelineDef& pipeline, const Shape& shape, std::unique_ptr<BatchBase> items,
                            std::uint64_t seed = 7) {
  LoopbackChaos chaos;
  if (shape.chaos) chaos = LoopbackChaos{true, seed, 300us};
  return runLoopback(pipeline, shape.ranks, shape.threads, std::move(items), chaos);
}

// Every shape fails, and some rank names the stage in `expected`.
inline void expectFailureNaming(const PipelineDef& pipeline, std::vector<int> items, const std::string& expected) {
  for (const Shape& shape : kShapes) {
    SCOPED_TRACE(describe(shape));
    LoopbackRun run = runShape(pipeline, shape, batchOf(items));
    ASSERT_FALSE(run.timedOut);
    bool named = false;
    for (const RunResult& rank : run.ranks) {
      EXPECT_NE(rank.exitCode, 0);
      if (rank.error.find(expected) != std::string::npos) named = true;
    }
    EXPECT_TRUE(named) << "no rank reported: " << expected;
  }
}

}  // namespace jstest
