// std::weak_ptr owns nothing.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <memory>

namespace owners {
struct Watch {
  std::weak_ptr<int> watched;
// CHECK: diag_serialise_weak_ptr.cpp:[[@LINE-1]]:22: error: cannot generate serialisation for 'owners::Watch': member 'watched' of type 'std::weak_ptr<int>' is a std::weak_ptr, which does not own its object; hold the value, or a std::unique_ptr
};
[[jobstream::job]] Watch watch(int) { return {}; }
// CHECK: diag_serialise_weak_ptr.cpp:[[@LINE-1]]:26: note: the type travels between stages at 'owners::watch'
}  // namespace owners
// CHECK: 1 error generated.
