// A recursive type through std::unique_ptr (owning): a tree whose children
// are unique_ptrs to trees. jsgen plans it once and stops at the recursion.
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --input-file=%t.cpp
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
#include <jobstream/jobstream.hpp>

#include <memory>
#include <string>
#include <vector>

namespace forest {
struct Tree {
  std::string name;
  std::vector<std::unique_ptr<Tree>> children;
  std::unique_ptr<Tree> graft;
};

[[jobstream::job]] Tree grow(int) { return {}; }
[[jobstream::job]] int count(const Tree& tree) { return static_cast<int>(tree.children.size()); }
}  // namespace forest

// CHECK:      void serialize(Archive& jsgen_archive, ::forest::Tree& jsgen_value) {
// CHECK-NEXT:   jsgen_archive(jsgen_value.name, jsgen_value.children, jsgen_value.graft);
// CHECK-NOT:  serialize(Archive
