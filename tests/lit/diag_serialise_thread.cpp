// A std::thread belongs to this process.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <thread>

namespace work {
struct Worker {
  std::thread thread;
// CHECK: diag_serialise_thread.cpp:[[@LINE-1]]:15: error: cannot generate serialisation for 'work::Worker': member 'thread' of type 'std::thread' is tied to this process (a thread or a synchronisation object), and can be neither copied nor moved; keep it outside the items and stores
};
[[jobstream::job]] int run(const Worker&) { return 0; }
// CHECK: diag_serialise_thread.cpp:[[@LINE-1]]:24: note: the type travels between stages at 'work::run'
}  // namespace work
// CHECK: 1 error generated.
