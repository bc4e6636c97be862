// A job with several parameters takes the std::tuple the stage before it
// produces, fanned out into its parameters.
// RUN: %jsgen --dump-model %s %jsgen_flags | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <string>
#include <tuple>

namespace fan {

[[jobstream::job]] std::tuple<int, std::string> split(const std::string& s) { return {1, s}; }
// CHECK: stage 0 job fan::split
// CHECK: returns value 'std::tuple<int, std::string>' item std::tuple<int, std::string> [::std::tuple<int, ::std::string>]

[[jobstream::job]] std::size_t join(int count, const std::string& text) {
  return static_cast<std::size_t>(count) + text.size();
}
// CHECK:      stage 1 job fan::join
// CHECK-NEXT:   param count value 'int' item int [int]
// CHECK-NEXT:   param text const_ref 'const std::string &' item std::string [::std::string]
// CHECK-NEXT:   input std::tuple<int, std::string> [::std::tuple<int, ::std::string>]

}  // namespace fan
