// The same input gives byte-identical output.
// RUN: %jsgen --no-main %s -o %t.first.cpp %jsgen_flags
// RUN: %jsgen --no-main %s -o %t.second.cpp %jsgen_flags
// RUN: diff %t.first.cpp %t.second.cpp
// RUN: FileCheck %s --input-file=%t.first.cpp
#include <jobstream/jobstream.hpp>

#include <map>
#include <ostream>
#include <string>

namespace a {
struct P { int x = 0; std::map<std::string, int> m; };
struct Q {
  P p;
  // Printed by the default printer.
  friend std::ostream& operator<<(std::ostream& out, const Q&) { return out << "Q"; }
};
[[jobstream::job]] P one(int n) { return P{n, {}}; }
[[jobstream::job]] Q two(P p) { return Q{p}; }
}  // namespace a
namespace b {
[[jobstream::job]] int three(const std::string& s) { return static_cast<int>(s.size()); }
}  // namespace b
[[jobstream::job]] double global(int n) { return n; }

// Pipelines in source order, each in a namespace of its own.
// CHECK: namespace jsgen_0_a {
// CHECK: namespace jsgen_1_b {
// CHECK: namespace jsgen_2_global {
// CHECK: .name = "",
