// A job with several parameters needs a std::tuple with matching elements.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <string>
#include <tuple>

namespace fan {

[[jobstream::job]] std::tuple<int, double> split(int n) { return {n, 1.0}; }
[[jobstream::job]] int join(int n, const std::string& s) { return n + static_cast<int>(s.size()); }
// CHECK: diag_tuple_mismatch.cpp:[[@LINE-1]]:29: error: stage 'fan::join' takes (int, std::string) but 'fan::split' before it produces 'std::tuple<int, double>'; a job with several parameters takes a std::tuple of them
// CHECK: diag_tuple_mismatch.cpp:[[@LINE-3]]:20: note: 'fan::split' produces 'std::tuple<int, double>' here

}  // namespace fan
