// A std::atomic cannot be copied or moved, so no batch can hold it.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <atomic>

namespace work {
struct Counter {
  std::atomic<long> count{0};
// CHECK: diag_serialise_atomic.cpp:[[@LINE-1]]:21: error: cannot generate serialisation for 'work::Counter': member 'count' of type 'std::atomic<long>' is a std::atomic, which can be neither copied nor moved, so a batch cannot hold it; hold a plain value (an item is never shared between threads)
};
[[jobstream::job]] long read(const Counter& c) { return c.count.load(); }
// CHECK: diag_serialise_atomic.cpp:[[@LINE-1]]:25: note: the type travels between stages at 'work::read'
}  // namespace work
// CHECK: 1 error generated.
