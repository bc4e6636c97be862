// Items are taken by value, const& or &&; never by non-const reference.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <string>

namespace refs {
[[jobstream::job]] int length(std::string& word) { return static_cast<int>(word.size()); }
// CHECK: diag_nonconst_reference.cpp:[[@LINE-1]]:31: error: stage 'refs::length' takes 'std::string &' by non-const reference; take the item by value, const& or &&
}  // namespace refs
