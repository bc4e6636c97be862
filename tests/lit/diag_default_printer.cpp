// Without result or finish, items leaving the pipeline are printed with
// operator<< (tuples, pairs, optionals, variants and ranges part by part). An
// item with a part that has none is an error at the stage it leaves from.
// RUN: not %jsgen --no-main %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <optional>
#include <ostream>
#include <span>
#include <variant>
#include <vector>

namespace plain {
struct Point {
  int x = 0;
};
[[jobstream::job]] Point make(int n) { return {n}; }
// CHECK: diag_default_printer.cpp:[[@LINE-1]]:20: error: the items of type 'Point' that leave the pipeline at stage 'plain::make' go to the default printer, but 'Point' has no operator<<
// CHECK: diag_default_printer.cpp:[[@LINE-5]]:8: note: declare 'std::ostream& operator<<(std::ostream&, const Point&)' in the namespace of 'Point', or end the pipeline with a result or finish stage
}  // namespace plain

// A part of the item: the elements of a vector of optionals.
namespace nested {
struct Point {
  int x = 0;
};
[[jobstream::job]] std::vector<std::optional<Point>> make(int n) { return {Point{n}}; }
// CHECK: diag_default_printer.cpp:[[@LINE-1]]:20: error: the items of type 'std::vector<std::optional<Point>>' that leave the pipeline at stage 'nested::make' go to the default printer, but 'nested::Point' has no operator<<
// CHECK: diag_default_printer.cpp:[[@LINE-5]]:8: note: declare 'std::ostream& operator<<(std::ostream&, const nested::Point&)' in the namespace of 'nested::Point', or end the pipeline with a result or finish stage
}  // namespace nested

// A reduce's store that leaves the pipeline.
namespace store {
struct Total {
  long sum = 0;
};
[[jobstream::reduce]] void add(Total& total, std::span<const long> in, std::span<const Total> others) {
  for (long n : in) total.sum += n;
  for (const Total& o : others) total.sum += o.sum;
}
// CHECK: diag_default_printer.cpp:[[@LINE-4]]:32: error: the items of type 'Total' that leave the pipeline at stage 'store::add' go to the default printer, but 'Total' has no operator<<
// CHECK: diag_default_printer.cpp:[[@LINE-8]]:8: note: declare 'std::ostream& operator<<(std::ostream&, const Total&)' in the namespace of 'Total', or end the pipeline with a result or finish stage
}  // namespace store

// An operator<< outside the type's namespace: the printer, in namespace
// jobstream::detail, finds operators by argument-dependent lookup only.
namespace outside {
struct Point {
  int x = 0;
};
}  // namespace outside
std::ostream& operator<<(std::ostream& out, const outside::Point& p);
namespace outside {
[[jobstream::job]] Point make(int n) { return {n}; }
// CHECK: diag_default_printer.cpp:[[@LINE-1]]:20: error: the items of type 'Point' that leave the pipeline at stage 'outside::make' go to the default printer, but 'Point' has no operator<<
// CHECK: diag_default_printer.cpp:[[@LINE-8]]:8: note: declare 'std::ostream& operator<<(std::ostream&, const Point&)' in the namespace of 'Point', or end the pipeline with a result or finish stage
}  // namespace outside

// A std type without operator<<: the advice is a result or finish stage.
namespace library {
[[jobstream::job]] std::variant<std::monostate, int> make(int n) { return n; }
// CHECK: diag_default_printer.cpp:[[@LINE-1]]:20: error: the items of type 'std::variant<std::monostate, int>' that leave the pipeline at stage 'library::make' go to the default printer, but 'std::monostate' has no operator<<
// CHECK: diag_default_printer.cpp:[[@LINE-2]]:20: note: end the pipeline with a result or finish stage
}  // namespace library

// CHECK: 5 errors generated.
