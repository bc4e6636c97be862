// A bit-field cannot be read into by reference. (A trivially copyable item
// with bit-fields travels as bytes and is fine; here the class holds a string.)
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <string>

namespace flags {
struct Options {
  unsigned verbose : 1;
// CHECK: diag_serialise_bitfield.cpp:[[@LINE-1]]:12: error: cannot generate serialisation for 'flags::Options': member 'verbose' of type 'unsigned int' is a bit-field, which cereal cannot read into; give 'flags::Options' its own serialize() or change the member
  std::string name;
};
[[jobstream::job]] Options options(int) { return {}; }
// CHECK: diag_serialise_bitfield.cpp:[[@LINE-1]]:28: note: the type travels between stages at 'flags::options'
}  // namespace flags
// CHECK: 1 error generated.
