// What the default printer can print, jsgen lets through, and the generated
// code compiles (the printer has no fallback for anything else): operator<<
// as a hidden friend, beside the type, or for a base;
// tuples, pairs and variants of such; ranges of them, also a
// user's range without an operator<< of its own; enums that convert to int.
// RUN: %jsgen --no-main %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --input-file=%t.cpp
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
#include <jobstream/jobstream.hpp>

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

namespace hidden {
struct Point {
  int x = 0;
  friend std::ostream& operator<<(std::ostream& out, const Point& p) { return out << p.x; }
};
[[jobstream::job]] std::tuple<Point, std::pair<int, std::string>, std::variant<Point, std::optional<double>>> make(int n) {
  return {{n}, {n, "n"}, Point{n}};
}
}  // namespace hidden

namespace based {
struct Named {
  std::string name;
};
std::ostream& operator<<(std::ostream& out, const Named& n) { return out << n.name; }
struct Person : Named {
  int age = 0;
};
[[jobstream::job]] std::map<std::string, std::vector<Person>> make(int n) { return {{"n", {Person{{"a"}, n}}}}; }
}  // namespace based

namespace ranged {
struct Digits {
  std::vector<int> digits;
  auto begin() const { return digits.begin(); }
  auto end() const { return digits.end(); }
};
enum Colour { red, green };
[[jobstream::job]] std::pair<Digits, Colour> make(int n) { return {{{n}}, red}; }
}  // namespace ranged

// CHECK-DAG: printItems<::std::tuple< ::hidden::Point, ::std::pair<int, ::std::string>, ::std::variant< ::hidden::Point, ::std::optional<double>>>>
// CHECK-DAG: printItems<::std::map< ::std::string, ::std::vector< ::based::Person>>>
// CHECK-DAG: printItems<::std::pair< ::ranged::Digits, ::ranged::Colour>>
