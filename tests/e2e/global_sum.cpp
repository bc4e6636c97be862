// job_stream's example1: two addOne jobs, then the root module's sum reducer,
// one reduction for the whole run. Standard input 45 and 7 gives 47 + 9 = 56.
// The store is a plain int, as the original's accumulator was.
#include <jobstream/jobstream.hpp>

#include <span>

namespace global_sum {

[[jobstream::job]]
int addOne(int x) { return x + 1; }

[[jobstream::job]]
int addOneMore(int x) { return x + 1; }

[[jobstream::reduce]]
void sum(int& total, std::span<const int> inputs, std::span<const int> others) {
  for (int n : inputs) total += n;
  for (int o : others) total += o;
}

}  // namespace global_sum
