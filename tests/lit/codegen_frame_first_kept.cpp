// The runtime keeps a frame instance's first item for every later call of the
// frame: generated code never moves from it. A parameter taken by value gets
// a copy as usual; one taken by && gets a copy made for the call.
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --input-file=%t.cpp
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
#include <jobstream/jobstream.hpp>

#include <optional>
#include <ostream>
#include <string>

namespace kept {

struct Seen {
  // Printed by the default printer.
  friend std::ostream& operator<<(std::ostream& out, const Seen&) { return out << "Seen"; }
  int calls = 0;
};

[[jobstream::frame]] std::optional<std::string> byValue(Seen& store, std::string first) {
  if (store.calls++) return std::nullopt;
  return first;
}
[[jobstream::frame]] std::optional<std::string> byRvalue(Seen& store, std::string&& first) {
  if (store.calls++) return std::nullopt;
  return std::move(first);
}
[[jobstream::frame_end]] void innerEnd(Seen& store, std::string&& next) {
  store.calls += static_cast<int>(next.size());
}
[[jobstream::frame_end]] void outerEnd(Seen& store, Seen next) { store.calls += next.calls; }

}  // namespace kept

// CHECK-LABEL: bool enter_0(
// CHECK:         auto r0 = ::kept::byValue(store, first);
// CHECK-LABEL: bool enter_1(
// CHECK:         auto r1 = ::kept::byRvalue(store, static_cast<::std::string>(first));
// CHECK-LABEL: void frameEnd_2(
// CHECK:         ::kept::innerEnd(store, std::move(items[i]));
