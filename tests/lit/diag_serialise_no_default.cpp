// cereal reads into default-constructed values: a class without a public
// default constructor cannot be read back.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <optional>

namespace strict {
class Id {
 public:
  explicit Id(int v) : value_(v) {}
 private:
  int value_;
};
struct Lookup {
  std::optional<Id> found;
// CHECK: diag_serialise_no_default.cpp:[[@LINE-1]]:21: error: cannot generate serialisation for 'strict::Lookup': member 'found' of type 'std::optional<Id>' holds 'Id', which is a class without a public default constructor (cereal reads into a default-constructed value); add one (it may be defaulted)
};
[[jobstream::job]] Lookup find(int) { return {}; }
// CHECK: diag_serialise_no_default.cpp:[[@LINE-1]]:27: note: the type travels between stages at 'strict::find'
}  // namespace strict
// CHECK: 1 error generated.
