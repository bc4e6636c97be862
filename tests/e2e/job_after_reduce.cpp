// job_stream.inline's jobAfterReduce test: a top-level reduce is not the end
// of the pipeline. 1 + 2 + 3 = 6, a job makes three 6s of it, and a second
// reduce sums those: 18, once.
#include <jobstream/jobstream.hpp>

#include <span>

namespace job_after_reduce {

struct SumStore {
  int value = 0;
};

[[jobstream::reduce]]
void sum(SumStore& store, std::span<const int> work, std::span<const SumStore> others) {
  for (int w : work) store.value += w;
  for (const SumStore& o : others) store.value += o.value;
}

[[jobstream::emit]]
int value(const SumStore& store) { return store.value; }

[[jobstream::job]]
jobstream::Multiple<int> timesThree(int work) { return {work, work, work}; }

[[jobstream::reduce]]
void sumAgain(SumStore& store, std::span<const int> work, std::span<const SumStore> others) {
  for (int w : work) store.value += w;
  for (const SumStore& o : others) store.value += o.value;
}

[[jobstream::emit]]
int valueAgain(const SumStore& store) { return store.value; }

}  // namespace job_after_reduce
