// A class that can be neither copied nor moved cannot be held in a batch.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace once {
struct Ticket {
  Ticket() = default;
  Ticket(const Ticket&) = delete;
  int number = 0;
};
struct Queue {
  Ticket front;
// CHECK: diag_serialise_no_copy_move.cpp:[[@LINE-1]]:10: error: cannot generate serialisation for 'once::Queue': member 'front' of type 'Ticket' is a class that can be neither copied nor moved; give it a move constructor
};
[[jobstream::job]] Queue enqueue(int) { return {}; }
// CHECK: diag_serialise_no_copy_move.cpp:[[@LINE-1]]:26: note: the type travels between stages at 'once::enqueue'
}  // namespace once
// CHECK: 1 error generated.
