// job_stream.inline's finish test: finish runs once, on rank 0, with every
// item that left the pipeline. Items 1 2 3 print as [1, 2, 3].
#include <jobstream/jobstream.hpp>

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

namespace finish_list {

[[jobstream::job]]
int same(int x) { return x; }

[[jobstream::finish]]
void printArray(std::vector<int> results) {
  std::sort(results.begin(), results.end());
  std::string text = "[";
  for (std::size_t i = 0; i < results.size(); ++i)
    text += (i ? ", " : "") + std::to_string(results[i]);
  std::cout << text + "]\n";
}

}  // namespace finish_list
