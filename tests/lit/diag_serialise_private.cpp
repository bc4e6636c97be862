// jsgen cannot serialise a type with private members: an error naming the
// member, with a note at the stage that carries the type. (A trivially
// copyable item would travel as bytes and need no serialisation: Pin is fine.)
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <string>

namespace secrets {
class Vault {
 public:
  explicit Vault(int c) : code_(std::to_string(c)) {}
  Vault() = default;
 private:
  std::string code_;
// CHECK: diag_serialise_private.cpp:[[@LINE-1]]:15: error: cannot generate serialisation for 'secrets::Vault': member 'code_' of type 'std::string' is not public; give 'secrets::Vault' its own serialize() or change the member
};
class Pin {
 public:
  explicit Pin(int d) : digits_(d) {}
  Pin() = default;
 private:
  int digits_ = 0;
};
// CHECK-NOT: Pin
[[jobstream::job]] Pin choose(int n) { return Pin(n); }
[[jobstream::job]] Vault lock(const Pin&) { return Vault(1); }
// CHECK: diag_serialise_private.cpp:[[@LINE-1]]:26: note: the type travels between stages at 'secrets::lock'
// CHECK: 1 error generated.
}  // namespace secrets
