// A library type jsgen does not know how to serialise (std::queue).
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <queue>

namespace lines {
struct Waiting {
  std::queue<int> numbers;
// CHECK: diag_serialise_unknown_library.cpp:[[@LINE-1]]:19: error: cannot generate serialisation for 'lines::Waiting': member 'numbers' of type 'std::queue<int>' is a library type that jsgen does not know how to serialise; give 'lines::Waiting' its own serialize() or change the member
};
[[jobstream::job]] Waiting wait(int) { return {}; }
// CHECK: diag_serialise_unknown_library.cpp:[[@LINE-1]]:28: note: the type travels between stages at 'lines::wait'
}  // namespace lines
// CHECK: 1 error generated.
