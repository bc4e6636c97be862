// Items are taken by value, const& or &&; never by non-const reference.
// The fix-it makes it const.
// RUN: not %jsgen %s %jsgen_flags -fdiagnostics-parseable-fixits 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <string>

namespace refs {
[[jobstream::job]] int length(std::string& word) { return static_cast<int>(word.size()); }
// CHECK: diag_nonconst_reference.cpp:[[@LINE-1]]:31: error: stage 'refs::length' takes 'std::string &' by non-const reference; take the item by value, const& or &&
// CHECK: fix-it:"{{.*}}diag_nonconst_reference.cpp":{[[@LINE-2]]:31-[[@LINE-2]]:31}:"const "
}  // namespace refs
