// A stage is a plain function at namespace scope that returns items by value.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <string>

namespace shapes {
struct Counter {
  [[jobstream::job]] int count(int n) { return n; }
// CHECK: diag_stage_shape.cpp:[[@LINE-1]]:26: error: stage 'shapes::Counter::count' is a member function; a jobstream stage must be a function at namespace scope
};
template <class T>
[[jobstream::job]] T same(T value) { return value; }
// CHECK: diag_stage_shape.cpp:[[@LINE-1]]:22: error: stage 'shapes::same' is a template; a jobstream stage must be a plain function
[[jobstream::job]] const std::string& name(int n);
// CHECK: diag_stage_shape.cpp:[[@LINE-1]]:26: error: stage 'shapes::name' returns 'const std::string &'; a stage returns its items by value
}  // namespace shapes
