// Each return form: T, std::optional<T>, jobstream::Multiple<T>, void; and a
// std::vector<T> returned by value is one item whose type is a vector.
// RUN: %jsgen --dump-model %s %jsgen_flags | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <optional>
#include <vector>

namespace forms {

[[jobstream::job]] int one(int n) { return n; }
// CHECK: stage 0 job forms::one
// CHECK: returns value 'int' item int [int]

[[jobstream::job]] std::optional<int> maybe(int n) { return n; }
// CHECK: stage 1 job forms::maybe
// CHECK: returns optional 'std::optional<int>' item int [int]

[[jobstream::job]] jobstream::Multiple<int> many(int n) { return {n, n}; }
// CHECK: stage 2 job forms::many
// CHECK: returns multiple 'jobstream::Multiple<int>' item int [int]

[[jobstream::job]] std::vector<int> vec(int n) { return {n}; }
// CHECK: stage 3 job forms::vec
// CHECK: returns value 'std::vector<int>' item std::vector<int> [::std::vector<int>]

[[jobstream::job]] void sink(const std::vector<int>&) {}
// CHECK: stage 4 job forms::sink
// CHECK: param (unnamed) const_ref 'const std::vector<int> &'
// CHECK: returns void 'void'{{$}}

}  // namespace forms
