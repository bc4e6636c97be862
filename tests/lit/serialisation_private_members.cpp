// Private and protected members are serialised without touching the user's
// class: an explicit instantiation on each member pointer (access is not
// checked there) defines a friend that hands it back. Two classes with
// members of the same names get tags of their own. The result compiles
// strictly with both compilers.
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --input-file=%t.cpp
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
// RUN: %jsgen --dump-model %s %jsgen_flags | FileCheck %s --check-prefix=MODEL
#include <jobstream/jobstream.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace secrets {
class Vault {
 public:
  Vault() = default;
  explicit Vault(int c) : code_(std::to_string(c)), level_(c) {}
  int opened = 0;

 private:
  std::string code_;

 protected:
  int level_ = 0;
};

class Safe {
  // Printed by the default printer.
  friend std::ostream& operator<<(std::ostream& out, const Safe&) { return out << "Safe"; }
 public:
  Safe() = default;

 private:
  std::vector<Vault> code_;
  long level_ = 0;
};

[[jobstream::job]] Vault lock(int n) { return Vault(n); }
[[jobstream::job]] Safe keep(const Vault&) { return Safe(); }
}  // namespace secrets

// CHECK:      namespace {
// CHECK-NEXT: template <class Tag, auto Member>
// CHECK-NEXT: struct jsgen_member_access {
// CHECK-NEXT:   friend constexpr auto jsgen_member(Tag) noexcept { return Member; }
// CHECK-NEXT: };
// CHECK:      struct jsgen_member_0_1 { friend constexpr auto jsgen_member(jsgen_member_0_1) noexcept; };
// CHECK-NEXT: template struct jsgen_member_access<jsgen_member_0_1, &::secrets::Vault::code_>;
// CHECK-NEXT: struct jsgen_member_0_2 { friend constexpr auto jsgen_member(jsgen_member_0_2) noexcept; };
// CHECK-NEXT: template struct jsgen_member_access<jsgen_member_0_2, &::secrets::Vault::level_>;
// CHECK-NEXT: struct jsgen_member_1_0 { friend constexpr auto jsgen_member(jsgen_member_1_0) noexcept; };
// CHECK-NEXT: template struct jsgen_member_access<jsgen_member_1_0, &::secrets::Safe::code_>;
// CHECK-NEXT: struct jsgen_member_1_1 { friend constexpr auto jsgen_member(jsgen_member_1_1) noexcept; };
// CHECK-NEXT: template struct jsgen_member_access<jsgen_member_1_1, &::secrets::Safe::level_>;
// CHECK-NEXT: }  // namespace

// A public member is named; the others go through their tags.
// CHECK:      void serialize(Archive& jsgen_archive, ::secrets::Vault& jsgen_value) {
// CHECK-NEXT:   jsgen_archive(jsgen_value.opened, jsgen_value.*jsgen_member(::jsgen_member_0_1{}), jsgen_value.*jsgen_member(::jsgen_member_0_2{}));
// CHECK:      void serialize(Archive& jsgen_archive, ::secrets::Safe& jsgen_value) {
// CHECK-NEXT:   jsgen_archive(jsgen_value.*jsgen_member(::jsgen_member_1_0{}), jsgen_value.*jsgen_member(::jsgen_member_1_1{}));

// MODEL:      type ::secrets::Vault generate
// MODEL-NEXT:   scope secrets
// MODEL-NEXT:   field opened
// MODEL-NEXT:   field code_ inaccessible
// MODEL-NEXT:   field level_ inaccessible
