// std::function is code; nested in a container, the error names the member,
// its whole type and the std::function inside it.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <functional>
#include <vector>

namespace calls {
struct Plan {
  std::vector<std::function<int(int)>> steps;
// CHECK: diag_serialise_function.cpp:[[@LINE-1]]:40: error: cannot generate serialisation for 'calls::Plan': member 'steps' of type 'std::vector<std::function<int (int)>>' holds 'std::function<int (int)>', which is a std::function: code cannot be sent to another process; send the data that chooses the behaviour instead
};
[[jobstream::job]] Plan plan(int) { return {}; }
// CHECK: diag_serialise_function.cpp:[[@LINE-1]]:25: note: the type travels between stages at 'calls::plan'
}  // namespace calls
// CHECK: 1 error generated.
