// std::shared_ptr does not own its object alone: sending each pointer would
// give each an object of its own, so shared ownership cannot survive.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <memory>
#include <string>

namespace owners {
struct Doc {
  std::shared_ptr<std::string> text;
// CHECK: diag_serialise_shared_ptr.cpp:[[@LINE-1]]:32: error: cannot generate serialisation for 'owners::Doc': member 'text' of type 'std::shared_ptr<std::string>' is a std::shared_ptr, which shares its object instead of owning it: each pointer would arrive with an object of its own; use std::unique_ptr or hold the value
};
[[jobstream::job]] Doc open(int) { return {}; }
// CHECK: diag_serialise_shared_ptr.cpp:[[@LINE-1]]:24: note: the type travels between stages at 'owners::open'
}  // namespace owners
// CHECK: 1 error generated.
