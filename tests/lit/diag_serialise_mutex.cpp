// A std::mutex belongs to this process and cannot be moved.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <mutex>
#include <vector>

namespace work {
struct Guarded {
  std::vector<int> values;
  std::mutex lock;
// CHECK: diag_serialise_mutex.cpp:[[@LINE-1]]:14: error: cannot generate serialisation for 'work::Guarded': member 'lock' of type 'std::mutex' is tied to this process (a thread or a synchronisation object), and can be neither copied nor moved; keep it outside the items and stores
};
[[jobstream::job]] int size(const Guarded& g) { return static_cast<int>(g.values.size()); }
// CHECK: diag_serialise_mutex.cpp:[[@LINE-1]]:24: note: the type travels between stages at 'work::size'
}  // namespace work
// CHECK: 1 error generated.
