// A const member cannot be read back into.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <string>

namespace fixed {
struct Label {
  const std::string text;
// CHECK: diag_serialise_const_member.cpp:[[@LINE-1]]:21: error: cannot generate serialisation for 'fixed::Label': member 'text' of type 'const std::string' is const, so a value cannot be read back into it; give 'fixed::Label' its own serialize() or change the member
};
[[jobstream::job]] int length(const Label& l) { return static_cast<int>(l.text.size()); }
// CHECK: diag_serialise_const_member.cpp:[[@LINE-1]]:24: note: the type travels between stages at 'fixed::length'
}  // namespace fixed
// CHECK: 1 error generated.
