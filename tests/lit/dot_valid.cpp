// Graphviz accepts what jsgen --dot writes: every pipeline of a source with
// frames, a reduce, a stage group and names that need quoting.
// REQUIRES: dot
// RUN: %jsgen %s -o %t.cpp --dot %t.dot %jsgen_flags
// RUN: dot -Tsvg %t.dot -o %t.svg
// RUN: FileCheck %s --input-file=%t.svg
#include <jobstream/jobstream.hpp>

#include <ostream>
#include <span>
#include <string>
#include <tuple>

namespace jobs_pairs {
[[jobstream::job]] std::tuple<int, std::string> pair(int n) { return {n, "\"x\""}; }
}  // namespace jobs_pairs

namespace valid {
struct Sum {
  // Printed by the default printer.
  friend std::ostream& operator<<(std::ostream& out, const Sum&) { return out << "Sum"; }
  long total = 0;
};
using namespace jobs_pairs;
[[jobstream::job]] long use(int n, const std::string& s) { return n + static_cast<long>(s.size()); }
[[jobstream::reduce]] void add(Sum& s, std::span<const long> in, std::span<const Sum> others) {
  for (long x : in) s.total += x;
  for (const Sum& o : others) s.total += o.total;
}
}  // namespace valid

// CHECK: <svg
// CHECK: pipeline valid
// CHECK: job jobs_pairs::pair
// CHECK: reduce valid::add
