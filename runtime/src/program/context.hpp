// What jobstream::rank() and friends answer: a thread-local pointer set on a
// rank's communication and worker threads, so that loopback ranks sharing
// one process each see their own.
#pragma once

namespace jobstream::detail {

struct RankContext {
  int rank = 0;
  int ranks = 1;
  int threads = 1;
  int totalThreads = 1;
};

class ContextScope {
 public:
  explicit ContextScope(const RankContext* context);
  ~ContextScope();
  ContextScope(const ContextScope&) = delete;
  ContextScope& operator=(const ContextScope&) = delete;

 private:
  const RankContext* previous_;
};

// CPUs this process may run on (its affinity mask), at least 1.
int availableCpus();

}  // namespace jobstream::detail
