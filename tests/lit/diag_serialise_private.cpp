// jsgen cannot serialise a type with private members: an error naming the
// member, with a note at the stage that carries the type.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

namespace secrets {
class Vault {
 public:
  explicit Vault(int c) : code_(c) {}
  Vault() = default;
 private:
  int code_ = 0;
// CHECK: diag_serialise_private.cpp:[[@LINE-1]]:7: error: cannot generate serialisation for 'secrets::Vault': member 'code_' of type 'int' is not public; give 'secrets::Vault' its own serialize() or change the member
};
[[jobstream::job]] Vault lock(int n) { return Vault(n); }
// CHECK: diag_serialise_private.cpp:[[@LINE-1]]:26: note: the type travels between stages at 'secrets::lock'
}  // namespace secrets
