// A namespace whose stages are all mapped jobs is no pipeline (no default
// printer is asked for, nothing flows from one job to the next): each mapped
// job gets one MapRegistration, however often it is mapped, the types it
// takes and returns get serialisation, and the file compiles under a user's
// strict flags with both compilers.
// RUN: %jsgen %s %jsgen_flags | FileCheck %s
// RUN: %jsgen --dump-model %s %jsgen_flags | FileCheck %s --check-prefix=MODEL
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
#include <jobstream/jobstream.hpp>

#include <optional>
#include <string>
#include <vector>

namespace geo {
struct Point {
  double x = 0, y = 0;
  std::string label;
};
struct Box {  // no operator<<: it is never printed
  Point low, high;
};

[[jobstream::job]] Box around(const Point& p) { return {{p.x - 1, p.y - 1, p.label}, {p.x + 1, p.y + 1, p.label}}; }
// Unrelated types: fine, nothing flows from `around` to `named`.
[[jobstream::job]] std::optional<std::string> named(Point p) {
  if (p.label.empty()) return std::nullopt;
  return p.label;
}
}  // namespace geo

int main() {
  std::vector<geo::Point> points{{1, 2, "a"}, {3, 4, ""}};
  for (int i = 0; i != 3; ++i) {
    std::vector<geo::Box> boxes = jobstream::map(geo::around, points);
    std::vector<std::optional<std::string>> names = jobstream::map(&geo::named, points);
    (void)boxes;
    (void)names;
  }
  return 0;
}

// MODEL-NOT: pipeline geo
// MODEL:     map geo::around at {{.*}}codegen_map.cpp:[[@LINE-9]]:50
// MODEL-NEXT:  input Point [::geo::Point]
// MODEL-NEXT:  result Box [::geo::Box]
// MODEL:     map geo::named at {{.*}}codegen_map.cpp:[[@LINE-11]]:68
// MODEL-NEXT:  input Point [::geo::Point]
// MODEL-NEXT:  result std::optional<std::string> [::std::optional< ::std::string>]
// MODEL-NOT: map
// MODEL:     type ::geo::Point generate
// MODEL:     type ::geo::Box generate

// CHECK-NOT: registerPipeline
// CHECK:     MapRegistration<&::geo::around> jsgen_map_0{"geo::around", "Point", "Box"};
// CHECK:     MapRegistration<&::geo::named> jsgen_map_1{"geo::named", "Point", "std::optional<std::string>"};
// CHECK-NOT: MapRegistration
