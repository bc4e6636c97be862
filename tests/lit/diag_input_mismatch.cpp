// A stage must take exactly what the stage before it produces (up to const
// and references), reported with both types as written.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <string>

namespace mismatch {

[[jobstream::job]] int length(const std::string& word) { return static_cast<int>(word.size()); }
[[jobstream::job]] long widen(const int& n) { return n; }  // fine: const& of int
[[jobstream::job]] std::string name(const std::string& s) { return s; }
// CHECK: diag_input_mismatch.cpp:[[@LINE-1]]:37: error: stage 'mismatch::name' takes 'std::string' but 'mismatch::widen' before it produces 'long'
// CHECK: diag_input_mismatch.cpp:[[@LINE-3]]:20: note: 'mismatch::widen' produces 'long' here

}  // namespace mismatch
// CHECK: 1 error generated.
