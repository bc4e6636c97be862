// A class declared inside a function cannot be named by generated code.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <vector>

namespace local {
inline auto makePoints() {
  struct Point {
    int x = 0;
  };
  return std::vector<Point>{};
}
struct Holder {
  decltype(makePoints()) points;
// CHECK: diag_serialise_local_class.cpp:[[@LINE-1]]:26: error: cannot generate serialisation for 'local::Holder': member 'points' of type 'decltype(makePoints())' holds 'Point', which is declared inside a function, where generated code cannot name it; declare it at namespace scope
};
[[jobstream::job]] Holder hold(int) { return {}; }
// CHECK: diag_serialise_local_class.cpp:[[@LINE-1]]:27: note: the type travels between stages at 'local::hold'
}  // namespace local
// CHECK: 1 error generated.
