// A std::shared_ptr as the item itself: the error is at the stage.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <memory>

namespace owners {
[[jobstream::job]] std::shared_ptr<int> share(int n) { return std::make_shared<int>(n); }
// CHECK: diag_serialise_item_shared_ptr.cpp:[[@LINE-1]]:41: error: item type 'std::shared_ptr<int>' cannot travel between stages: it is a std::shared_ptr, which shares its object instead of owning it: each pointer would arrive with an object of its own; use std::unique_ptr or hold the value
}  // namespace owners
// CHECK: 1 error generated.
