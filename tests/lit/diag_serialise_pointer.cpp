// A raw pointer member cannot be serialised: it means nothing in another
// process. The error names the member, its type and the class; the note the
// stage that carries it.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <vector>

namespace links {
struct Node {
  int value = 0;
  Node* next = nullptr;
// CHECK: diag_serialise_pointer.cpp:[[@LINE-1]]:9: error: cannot generate serialisation for 'links::Node': member 'next' of type 'Node *' is a raw pointer, which means nothing in another process; give 'links::Node' its own serialize() or change the member
};
[[jobstream::job]] std::vector<Node> chain(int n) { return {Node{n, nullptr}}; }
// CHECK: diag_serialise_pointer.cpp:[[@LINE-1]]:38: note: the type travels between stages at 'links::chain'
}  // namespace links
// CHECK: 1 error generated.
