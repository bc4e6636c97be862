// A reference member cannot be read back: it cannot be rebound.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <string>

namespace refs {
struct Named {
  const std::string& name;
// CHECK: diag_serialise_reference.cpp:[[@LINE-1]]:22: error: cannot generate serialisation for 'refs::Named': member 'name' of type 'const std::string &' is a reference, which cannot be rebound to a value read back; hold the value
  int id = 0;
};
[[jobstream::job]] int id(const Named& named) { return named.id; }
// CHECK: diag_serialise_reference.cpp:[[@LINE-1]]:24: note: the type travels between stages at 'refs::id'
}  // namespace refs
// CHECK: 1 error generated.
